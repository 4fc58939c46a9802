import { describe, expect, test } from "vitest";
import { readFile } from "node:fs/promises";
import { ERROR_CODES } from "../../src/error-codes.js";
import { BridgeError } from "../../src/errors.js";

describe("error codes", () => {
  test("the README documents every error code with its exit code", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(readme, code).toMatch(new RegExp(`^\\| \`${code}\`\\s*\\| ${entry.exit}\\s*\\|`, "m"));
    }
  });

  test("an error takes its fault and exit code from the list unless told otherwise", () => {
    expect(new BridgeError("x", { code: "STATE_LOCKED" })).toMatchObject({ fault: "user", exitCode: 1 });
    expect(new BridgeError("x", { code: "CONFIG_INVALID" })).toMatchObject({ fault: "user", exitCode: 2 });
    expect(new BridgeError("x", { code: "CLOUD_CALL_FAILED" })).toMatchObject({ fault: "cloud", exitCode: 1 });
  });
});

import { readFile, writeFile } from "node:fs/promises";
import { format } from "prettier";
import { describe, expect, it } from "vitest";
import { configReference } from "../../src/config/reference.js";

const START =
  "<!-- config-reference: generated from the schema; UPDATE_README=1 npx vitest run test/unit/readme-config.test.ts -->";
const END = "<!-- config-reference end -->";

describe("README config reference", () => {
  it("is the table generated from the config schema", async () => {
    const readme = await readFile("README.md", "utf8");
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, "README lacks the config reference markers").toBeGreaterThan(0);
    // The README is formatted by prettier, so the table is compared as prettier lays it out.
    const table = (await format(configReference(), { parser: "markdown", proseWrap: "preserve" })).trim();
    const wanted = `${START}\n\n${table}\n\n${END}`;
    if (process.env.UPDATE_README === "1") {
      await writeFile("README.md", readme.slice(0, start) + wanted + readme.slice(end + END.length));
      return;
    }
    expect(readme.slice(start, end + END.length)).toBe(wanted);
  });
});

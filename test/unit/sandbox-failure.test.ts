import { describe, expect, test } from "vitest";
import { viaSandbox } from "../../src/cloud/sandbox-failure.js";
import { SandboxError } from "../../src/sandbox/index.js";

describe("sandbox failures as the CLI reports them", () => {
  test("a full disk while the sandbox starts is DISK_FULL naming the path (exit 1), not a start failure", async () => {
    const enospc = Object.assign(new Error("ENOSPC: no space left on device, write"), {
      code: "ENOSPC",
      path: "/state/sandbox/ports.json",
    });
    const error = await viaSandbox(() =>
      Promise.reject(
        new SandboxError("SANDBOX_WRITE_FAILED", "cannot write ports.json", "check the folder", { cause: enospc }),
      ),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DISK_FULL", exitCode: 1, message: "disk full at /state/sandbox/ports.json" });
  });

  test("other sandbox start failures keep their message and hint", async () => {
    const error = await viaSandbox(() =>
      Promise.reject(new SandboxError("SANDBOX_PORT_IN_USE", "port 1234 is in use", "stop the other process")),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SANDBOX_START_FAILED", exitCode: 2, hint: "stop the other process" });
  });
});

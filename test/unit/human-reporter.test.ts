import { describe, expect, test } from "vitest";
import { HumanReporter } from "../../src/report/human-reporter.js";
import { BridgeError } from "../../src/errors.js";

function capture(isTTY: boolean, debug = false) {
  const out = { stdout: "", stderr: "" };
  let clock = 0;
  const reporter = new HumanReporter(
    { write: (t) => (out.stdout += t), writeError: (t) => (out.stderr += t), isTTY, color: false },
    debug,
    () => clock,
  );
  return { out, reporter, advance: (ms: number) => (clock += ms) };
}

describe("human reporter", () => {
  test("on a TTY running steps share a live area redrawn in place; each ends as one line with its time", async () => {
    const { out, reporter, advance } = capture(true);
    let release: () => void = () => undefined;
    const slow = reporter.step("create the role", () => new Promise<void>((resolve) => (release = resolve)), {
      node: "iam-role",
      layer: "identity",
    });
    const fast = reporter.step("create the group", () => Promise.resolve(advance(500)), {
      node: "resource-group",
      layer: "identity",
    });
    await fast;
    // Both were live at once: the second redraw holds two spinner lines.
    expect(out.stdout).toContain("⠙ [identity] create the role 0.0s\n\r\u001b[2K⠙ [identity] create the group 0.0s\n");
    // Redraws move the cursor back over the live lines first.
    expect(out.stdout).toContain("\u001b[2A\r\u001b[0J");
    advance(1000);
    release();
    await slow;
    expect(out.stdout).toContain("✔ [identity] create the group (0.5s)\n");
    expect(out.stdout.endsWith("✔ [identity] create the role (1.5s)\n")).toBe(true);
  });

  test("off a TTY a step is one plain line when it finishes, with no control characters", async () => {
    const { out, reporter, advance } = capture(false);
    await expect(
      reporter.step("attach policy", () => {
        advance(200);
        return Promise.reject(new Error("boom"));
      }),
    ).rejects.toThrow("boom");
    expect(out.stdout).toBe("✖ attach policy (0.2s)\n");
  });

  test("the closing summary lists each change with its layer and time, and the total", () => {
    const { out, reporter } = capture(false);
    reporter.summary({
      command: "up",
      ms: 4200,
      changes: [
        { kind: "create", resource: "IAM role azure-vm", reason: "r", node: "iam-role", layer: "identity", ms: 600 },
      ],
    });
    expect(out.stdout).toBe("Summary: up made 1 change(s) in 4.2s\n  + [identity] create IAM role azure-vm (0.6s)\n");
  });

  test("an error shows the message, each detail, and the fix on stderr; the stack only with --debug", () => {
    const error = new BridgeError("the config has 2 problems:", {
      code: "CONFIG_INVALID",
      fault: "user",
      hint: "fix each field",
      details: ["a: bad", "b: worse"],
      cause: new Error("inner"),
    });
    const plain = capture(false);
    plain.reporter.error(error, false);
    expect(plain.out.stderr).toBe("error: the config has 2 problems:\n  - a: bad\n  - b: worse\nfix: fix each field\n");
    expect(plain.out.stdout).toBe("");
    const debug = capture(false, true);
    debug.reporter.error(error, true);
    expect(debug.out.stderr).toMatch(/cause: Error: inner\n\s+at /);
  });
});

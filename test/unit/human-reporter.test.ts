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
  test("on a TTY a step is one live line, rewritten in place, ending with a mark and the elapsed time", async () => {
    const { out, reporter, advance } = capture(true);
    await reporter.step("create the role", () => {
      advance(1500);
      return Promise.resolve();
    });
    expect(out.stdout.startsWith("\r\u001b[2K⠋ create the role")).toBe(true);
    expect(out.stdout.endsWith("✔ create the role (1.5s)\n")).toBe(true);
    expect(out.stdout.split("\n")).toHaveLength(2);
  });

  test("off a TTY a step is two plain lines, with no control characters", async () => {
    const { out, reporter, advance } = capture(false);
    await expect(
      reporter.step("attach policy", () => {
        advance(200);
        return Promise.reject(new Error("boom"));
      }),
    ).rejects.toThrow("boom");
    expect(out.stdout).toBe("… attach policy\n✖ attach policy (0.2s)\n");
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

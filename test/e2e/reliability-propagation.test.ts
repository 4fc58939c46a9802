import { describe, expect, test } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readJournal } from "../../src/sandbox/harness/index.js";
import { cliTestFolder } from "../helpers/spawn-cli.js";

// IAM is eventually consistent: STS refuses a new role for a while after CreateRole. The sandbox
// rehearses that with a window measured from the role's CreateDate on the sandbox's clock.

const WINDOW_MS = 20_000;
/** The role stays unassumable at least this long after verify starts, however long `up` took. */
const STILL_HIDDEN_MS = 8_000;

const folder = cliTestFolder();

const run = (args: string[], env: Record<string, string>) => folder.start(args, env).exit;

/** The role's CreateDate as the sandbox recorded it. */
async function roleCreated(): Promise<number> {
  const aws = JSON.parse(await readFile(join(folder.path(), ".oidc-bridge/sandbox/aws.json"), "utf8")) as {
    roles: Record<string, { createDate: string }>;
  };
  const roles = Object.values(aws.roles);
  expect(roles).toHaveLength(1);
  return Date.parse(roles[0]?.createDate ?? "");
}

describe("a role that is not assumable yet", () => {
  test("up succeeds and verify waits for the role, says so, then passes", async () => {
    const window = { OIDC_BRIDGE_SANDBOX_ROLE_PROPAGATION_MS: String(WINDOW_MS) };
    const up = await run(["up"], window);
    expect(up.code, up.stderr).toBe(0);
    const journal = join(folder.path(), ".oidc-bridge/sandbox/journal.jsonl");
    const before = (await readJournal(journal)).length;

    // The window counts from CreateDate. On a loaded machine `up` may take most of it; widen the
    // window for verify so the role is still hidden when verify starts, whatever `up` took.
    const age = Date.now() - (await roleCreated());
    const verifyWindow = Math.max(WINDOW_MS, age + STILL_HIDDEN_MS);
    const verify = await run(["verify"], { OIDC_BRIDGE_SANDBOX_ROLE_PROPAGATION_MS: String(verifyWindow) });
    expect(verify.code, verify.stderr).toBe(0);

    const waits = verify.events.flatMap((e) =>
      e.type === "info" && e.message.startsWith("waiting for role azure-vm to become assumable") ? [e.message] : [],
    );
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]).toMatch(/created \d+ s ago, new roles take up to a minute \(AccessDenied\)$/);
    const checks = verify.events.filter((e) => e.type === "check");
    expect(checks.find((c) => c.id === "aws-identity")).toMatchObject({ status: "pass" });
    expect(checks.find((c) => c.id === "s3-list")).toMatchObject({ status: "pass" });

    // STS refused the role once per wait, then let it in.
    const sts = (await readJournal(journal))
      .slice(before)
      .filter((e) => e.operation === "AssumeRoleWithWebIdentity")
      .map((e) => e.status);
    expect(sts.slice(0, waits.length)).toEqual(waits.map(() => 403));
    expect(sts[waits.length]).toBe(200);
  });
});

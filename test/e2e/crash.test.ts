import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readState } from "../../src/state/store.js";
import { tempDir } from "../helpers/temp-dir.js";

// The built CLI with the sandbox in its own process: "die after N writes" kills that process the
// moment the N-th write has been answered, as a crash or a Ctrl-C at the worst time would.
const bin = fileURLToPath(new URL("../../bin/oidc-bridge.cjs", import.meta.url));

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => (dir = await tempDir()));
afterEach(async () => dir.cleanup());

function cli(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, "--sandbox", ...args], {
    cwd: dir.path,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("a run killed mid-way", () => {
  test("trust killed right after creating the provider: the next run recognises it as ours", async () => {
    const killed = cli(["trust"], { OIDC_BRIDGE_SANDBOX_DIE_AFTER_WRITES: "1" });
    expect(killed.status).toBe(137);
    const afterCrash = await readState(join(dir.path, ".oidc-bridge"));
    expect(afterCrash?.deploymentId).toMatch(/^ob-/);
    // The intent was written before the create call: the provider is known to be ours.
    expect(afterCrash?.resources.map((r) => [r.kind, r.status])).toEqual([["iam-oidc-provider", "intended"]]);

    const again = cli(["trust"]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("created by an interrupted run of this deployment (its intent was recorded)");
    const state = await readState(join(dir.path, ".oidc-bridge"));
    expect(state?.resources.map((r) => [r.kind, r.createdByUs])).toEqual([["iam-oidc-provider", true]]);
  });

  test("identity killed after its second write loses nothing: the rerun finishes without duplicates", async () => {
    expect(cli(["trust"]).status).toBe(0);
    const killed = cli(["identity"], { OIDC_BRIDGE_SANDBOX_DIE_AFTER_WRITES: "2" });
    expect(killed.status).toBe(137);
    const afterCrash = await readState(join(dir.path, ".oidc-bridge"));
    expect(afterCrash?.resources.map((r) => [r.kind, r.status])).toEqual([
      ["iam-oidc-provider", "ready"],
      ["azure-resource-group", "ready"],
      ["azure-user-assigned-identity", "intended"],
    ]);

    const again = cli(["identity"]);
    expect(again.status, again.stderr).toBe(0);
    const state = await readState(join(dir.path, ".oidc-bridge"));
    const identities = state?.resources.filter((r) => r.kind === "azure-user-assigned-identity") ?? [];
    expect(identities).toHaveLength(1);
    expect(identities[0]?.createdByUs).toBe(true);
    expect(state?.resources.map((r) => r.kind).sort()).toEqual(
      [
        "azure-resource-group",
        "azure-user-assigned-identity",
        "iam-oidc-provider",
        "iam-role",
        "iam-role-policy-attachment",
        "ssm-parameter",
      ].sort(),
    );
    expect(cli(["identity"]).stdout).toContain("identity: unchanged");
  });
});

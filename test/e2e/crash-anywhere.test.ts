import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readState } from "../../src/state/store.js";
import { readJournal } from "../../src/sandbox/harness/index.js";
import { tempDir } from "../helpers/temp-dir.js";
import { EMPTY_INVENTORY, sandboxInventory } from "../helpers/sandbox-inventory.js";

// The built CLI with the sandbox in its own process: "die after N writes" kills that process the
// moment the N-th cloud write has been answered, as a crash or a kill -9 at the worst time would.
const bin = fileURLToPath(new URL("../../bin/oidc-bridge.cjs", import.meta.url));
/**
 * The cloud writes a first `up` makes: provider, group, identity, role, attachment, parameter,
 * then the vm layer's VNet, subnet, public IP, NSG, NIC, SSH key and VM.
 */
const CREATES = [
  "CreateOpenIDConnectProvider",
  "ResourceGroups_CreateOrUpdate",
  "UserAssignedIdentities_CreateOrUpdate",
  "CreateRole",
  "AttachRolePolicy",
  "PutParameter",
  "VirtualNetworks_CreateOrUpdate",
  "Subnets_CreateOrUpdate",
  "PublicIPAddresses_CreateOrUpdate",
  "NetworkSecurityGroups_CreateOrUpdate",
  "NetworkInterfaces_CreateOrUpdate",
  "SshPublicKeys_Create",
  "VirtualMachines_CreateOrUpdate",
];

let root: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => (root = await tempDir()));
afterAll(async () => root.cleanup());

function up(cwd: string, env: Record<string, string> = {}): Promise<{ status: number | null; out: string }> {
  return cli(cwd, ["up"], env);
}

function cli(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, "--sandbox", "--json", ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (status) => resolve({ status, out }));
  });
}

/** The cloud writes a full destroy makes: one delete per resource `up` created. */
const DELETES = [
  "DeleteParameter",
  "DetachRolePolicy",
  "DeleteRole",
  "DeleteOpenIDConnectProvider",
  "UserAssignedIdentities_Delete",
  "VirtualMachines_Delete",
  "NetworkInterfaces_Delete",
  "PublicIPAddresses_Delete",
  "NetworkSecurityGroups_Delete",
  "Subnets_Delete",
  "VirtualNetworks_Delete",
  "SshPublicKeys_Delete",
  "ResourceGroups_Delete",
];

const ALL_RESOURCE_KINDS = [
  "azure-network-interface",
  "azure-network-security-group",
  "azure-public-ip",
  "azure-resource-group",
  "azure-ssh-public-key",
  "azure-subnet",
  "azure-user-assigned-identity",
  "azure-virtual-machine",
  "azure-virtual-network",
  "iam-oidc-provider",
  "iam-role",
  "iam-role-policy-attachment",
  "ssm-parameter",
  "vm-setup",
];

/**
 * No creating call succeeded twice over every run so far: nothing was created twice. (At most
 * once, not exactly once: the process dies after the k-th journalled write, and a concurrent write
 * answered a moment earlier may not have reached the journal by then; the state check above
 * shows every resource exists.)
 */
function createdOnce(journal: Awaited<ReturnType<typeof readJournal>>): void {
  const created = journal.filter((e) => e.write && e.status < 300);
  for (const operation of CREATES) {
    const creates = created.filter((e) => e.operation === operation && (e.status === 201 || !operation.includes("_")));
    expect(creates.length, `${operation} succeeded ${creates.length} times`).toBeLessThanOrEqual(1);
  }
}

describe("the whole flow, killed right after any one of its writes", () => {
  test("a first up and a full destroy make exactly the writes this test counts", async () => {
    const cwd = join(root.path, "count");
    await mkdir(cwd);
    expect((await up(cwd)).status).toBe(0);
    const journalPath = join(cwd, ".oidc-bridge/sandbox/journal.jsonl");
    const afterUp = await readJournal(journalPath);
    expect(
      afterUp
        .filter((e) => e.write)
        .map((e) => e.operation)
        .sort(),
    ).toEqual([...CREATES].sort());
    expect((await cli(cwd, ["--yes", "destroy"])).status).toBe(0);
    const destroys = (await readJournal(journalPath)).slice(afterUp.length).filter((e) => e.write);
    expect(destroys.map((e) => e.operation).sort()).toEqual([...DELETES].sort());
  });

  // One deployment per k serves both sweeps: up killed after its k-th write, then destroy killed
  // after its k-th write. Cases run side by side: most of each is waiting on the sandbox.
  const cases = Array.from({ length: Math.max(CREATES.length, DELETES.length) }, (_, i) => i + 1);
  test.concurrent.each(cases)(
    "k = %i: up killed after write k, up again, verify passes, nothing twice; destroy killed after write k, destroy again leaves nothing",
    { timeout: 240_000 },
    async (k) => {
      const cwd = join(root.path, `k${k}`);
      await mkdir(cwd);
      const stateDir = join(cwd, ".oidc-bridge");
      if (k <= CREATES.length) {
        const killed = await up(cwd, { OIDC_BRIDGE_SANDBOX_DIE_AFTER_WRITES: String(k) });
        expect(killed.status).toBe(137);
      }
      const again = await up(cwd);
      expect(again.status, again.out).toBe(0);
      const state = await readState(stateDir);
      expect(state?.resources.map((r) => [r.kind, r.status, r.createdByUs]).sort()).toEqual(
        ALL_RESOURCE_KINDS.map((kind) => [kind, "ready", true]),
      );
      // The VM was waited for to the end: its host key is pinned.
      const vm = state?.resources.find((r) => r.kind === "azure-virtual-machine");
      expect(vm?.attributes).toHaveProperty("hostKeyFingerprint");
      createdOnce(await readJournal(join(stateDir, "sandbox/journal.jsonl")));
      // The sandbox holds exactly one of each: one provider, role, parameter, and nine ARM resources.
      const held = await sandboxInventory(stateDir);
      expect([Object.keys(held.providers).length, held.roles.length, Object.keys(held.parameters).length]).toEqual([
        1, 1, 1,
      ]);
      expect(held.azure).toHaveLength(9);
      const verified = await cli(cwd, ["verify"]);
      expect(verified.status, verified.out).toBe(0);

      if (k <= DELETES.length) {
        const killed = await cli(cwd, ["--yes", "destroy"], { OIDC_BRIDGE_SANDBOX_DIE_AFTER_WRITES: String(k) });
        expect(killed.status).toBe(137);
      }
      const destroyed = await cli(cwd, ["--yes", "destroy"]);
      expect(destroyed.status, destroyed.out).toBe(0);
      expect(await sandboxInventory(stateDir)).toEqual(EMPTY_INVENTORY);
      expect(await readState(stateDir)).toMatchObject({ resources: [], layers: {} });
    },
  );
});

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { spawn } from "node:child_process";
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
const WRITES = CREATES.length;

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

describe("up killed right after any one of its writes", () => {
  test("a first up makes exactly the writes this test counts", async () => {
    const cwd = join(root.path, "count");
    await import("node:fs/promises").then((fs) => fs.mkdir(cwd));
    expect((await up(cwd)).status).toBe(0);
    const writes = (await readJournal(join(cwd, ".oidc-bridge/sandbox/journal.jsonl"))).filter((e) => e.write);
    expect(writes.map((e) => e.operation).sort()).toEqual([...CREATES].sort());
  });

  // Each case is three whole CLI runs against its own sandbox.
  const cases = Array.from({ length: WRITES }, (_, i) => i + 1);
  test.each(cases)(
    "killed after write %i: the next up finishes with one of each resource, all ours; a third is unchanged",
    { timeout: 120_000 },
    async (k) => {
      const cwd = join(root.path, `k${k}`);
      await import("node:fs/promises").then((fs) => fs.mkdir(cwd));
      const killed = await up(cwd, { OIDC_BRIDGE_SANDBOX_DIE_AFTER_WRITES: String(k) });
      expect(killed.status).toBe(137);

      const again = await up(cwd);
      expect(again.status, again.out).toBe(0);
      const state = await readState(join(cwd, ".oidc-bridge"));
      expect(state?.resources.map((r) => [r.kind, r.status, r.createdByUs]).sort()).toEqual(
        [
          ["azure-resource-group", "ready", true],
          ["azure-user-assigned-identity", "ready", true],
          ["iam-oidc-provider", "ready", true],
          ["iam-role", "ready", true],
          ["iam-role-policy-attachment", "ready", true],
          ["ssm-parameter", "ready", true],
          ["azure-virtual-network", "ready", true],
          ["azure-subnet", "ready", true],
          ["azure-public-ip", "ready", true],
          ["azure-network-security-group", "ready", true],
          ["azure-network-interface", "ready", true],
          ["azure-ssh-public-key", "ready", true],
          ["azure-virtual-machine", "ready", true],
          ["vm-setup", "ready", true],
        ].sort(),
      );
      // The VM was waited for to the end: its host key is pinned.
      const vm = state?.resources.find((r) => r.kind === "azure-virtual-machine");
      expect(vm?.attributes).toHaveProperty("hostKeyFingerprint");
      // Nothing was created twice: each creating call succeeded once over both runs.
      const journal = await readJournal(join(cwd, ".oidc-bridge/sandbox/journal.jsonl"));
      const created = journal.filter((e) => e.write && e.status < 300);
      for (const operation of CREATES) {
        const creates = created.filter(
          (e) => e.operation === operation && (e.status === 201 || !operation.includes("_")),
        );
        expect(creates.length, `${operation} succeeded ${creates.length} times`).toBe(1);
      }

      const before = journal.length;
      const third = await up(cwd);
      expect(third.status).toBe(0);
      expect(third.out).toContain('"summary":"up: unchanged');
      const later = (await readJournal(join(cwd, ".oidc-bridge/sandbox/journal.jsonl"))).slice(before);
      expect(later.filter((e) => e.write)).toEqual([]);
    },
  );
});

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

describe("destroy killed right after any one of its writes", () => {
  test("a full destroy makes exactly the writes this test counts", async () => {
    const cwd = join(root.path, "destroy-count");
    await import("node:fs/promises").then((fs) => fs.mkdir(cwd));
    expect((await up(cwd)).status).toBe(0);
    const before = (await readJournal(join(cwd, ".oidc-bridge/sandbox/journal.jsonl"))).length;
    expect((await cli(cwd, ["--yes", "destroy"])).status).toBe(0);
    const writes = (await readJournal(join(cwd, ".oidc-bridge/sandbox/journal.jsonl")))
      .slice(before)
      .filter((e) => e.write);
    expect(writes.map((e) => e.operation).sort()).toEqual([...DELETES].sort());
  });

  const cases = Array.from({ length: DELETES.length }, (_, i) => i + 1);
  test.each(cases)(
    "killed after write %i: the next destroy finishes with nothing of ours left and an empty deployment",
    { timeout: 120_000 },
    async (k) => {
      const cwd = join(root.path, `d${k}`);
      await import("node:fs/promises").then((fs) => fs.mkdir(cwd));
      expect((await up(cwd)).status).toBe(0);
      const killed = await cli(cwd, ["--yes", "destroy"], { OIDC_BRIDGE_SANDBOX_DIE_AFTER_WRITES: String(k) });
      expect(killed.status).toBe(137);

      const again = await cli(cwd, ["--yes", "destroy"]);
      expect(again.status, again.out).toBe(0);
      expect(await sandboxInventory(join(cwd, ".oidc-bridge"))).toEqual(EMPTY_INVENTORY);
      expect(await readState(join(cwd, ".oidc-bridge"))).toMatchObject({ resources: [], layers: {} });
    },
  );
});

import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { SANDBOX_SUBSCRIPTION_ID } from "../../src/sandbox/constants.js";
import { readJournal } from "../../src/sandbox/harness/index.js";
import type { JournalEntry } from "../../src/sandbox/harness/types.js";
import { openCloudSession } from "../../src/cloud/session.js";
import { createCloudPorts, type CloudPorts } from "../../src/cloud/ports.js";
import { readState } from "../../src/state/store.js";
import { SSH_RULE_NAME } from "../../src/resources/vm/nsg-rules.js";
import { bridgeFailure } from "../helpers/rejection.js";
import { plannedActions, runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

/** `up` with the vm layer against the sandbox, the real SDKs, and the sandbox VM's sshd. */

const ADMIN_CIDR = "198.51.100.7/32"; // what the sandbox's what-is-my-IP answers for a local caller
let dir: Awaited<ReturnType<typeof tempDir>>;
let stateDir: string;
let first: Awaited<ReturnType<typeof runCli>>;
const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(["--sandbox", "--json", ...args], { cwd: dir.path, env });
const journal = () => readJournal(join(stateDir, "sandbox/journal.jsonl"));

/** Ports of a session on the same sandbox folder, for reading what `up` made (closed by the caller). */
async function withPorts<T>(use: (ports: CloudPorts) => Promise<T>): Promise<T> {
  const config = configSchema.parse({ azure: { subscriptionId: SANDBOX_SUBSCRIPTION_ID } });
  const session = await openCloudSession({ config, sandbox: true, stateDir, env: process.env });
  try {
    return await use(createCloudPorts(session));
  } finally {
    await session.close();
  }
}

beforeAll(async () => {
  dir = await tempDir();
  stateDir = join(dir.path, ".oidc-bridge");
  // Realistic durations, scaled down: the VM takes 4.5-6 s, so its operation is polled.
  first = await cli(["up"], {
    OIDC_BRIDGE_SANDBOX_PROFILE: "realistic",
    OIDC_BRIDGE_SANDBOX_LATENCY_SCALE: "0.1",
    OIDC_BRIDGE_SANDBOX_JOURNAL_BODIES: "1",
  });
}, 120_000);
afterAll(async () => dir.cleanup());

describe("up --sandbox with the vm layer", () => {
  test("builds every layer; the state records the VM's addresses, id, key path and host key", async () => {
    expect(first.exitCode, JSON.stringify(first.events.at(-1))).toBe(0);
    const state = await readState(stateDir);
    expect(Object.keys(state?.layers ?? {}).sort()).toEqual(["configure", "identity", "trust", "vm"]);
    const vm = state?.resources.find((r) => r.kind === "azure-virtual-machine");
    expect(vm?.attributes).toMatchObject({
      publicIp: expect.stringMatching(/^203\.0\.113\.\d+$/) as unknown,
      privateIp: "10.42.2.4",
      vmId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      keyPath: join(stateDir, "ssh", "oidc-ssh-key"),
      hostKeyFingerprint: expect.stringMatching(/^SHA256:/) as unknown,
      adminUsername: "adminuser",
    });
  });

  test("the NSG has exactly one inbound allow rule: TCP 22 from the admin CIDR", async () => {
    const group = await withPorts(async (p) => (await p.network()).getNsg("aws-oidc-rg", "oidc-nsg"));
    const allows = group?.rules.filter((r) => r.direction === "Inbound" && r.access === "Allow");
    expect(allows).toEqual([
      expect.objectContaining({
        name: SSH_RULE_NAME,
        protocol: "Tcp",
        sourceAddressPrefixes: [ADMIN_CIDR],
        destinationPortRanges: ["22"],
      }),
    ]);
  });

  test("the private key is 0600 in a 0700 folder, and never printed", async () => {
    const keyPath = join(stateDir, "ssh", "oidc-ssh-key");
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(stateDir, "ssh"))).mode & 0o777).toBe(0o700);
    const key = await readFile(keyPath, "utf8");
    const body = key.split("\n")[1] ?? "";
    expect(body.length).toBeGreaterThan(20);
    expect(first.stdout + first.stderr).not.toContain(body);
  });

  test("the VM's OS disk is deleted with it, so destroy can leave an empty resource group", async () => {
    const put = (await journal()).find((e) => e.operation === "VirtualMachines_CreateOrUpdate");
    const body = JSON.parse(put?.response?.body ?? "{}") as {
      properties?: { storageProfile?: { osDisk?: { deleteOption?: string } } };
    };
    expect(body.properties?.storageProfile?.osDisk?.deleteOption).toBe("Delete");
  });

  test("the VM PUT is polled through its operation at the pace Retry-After asks", async () => {
    const entries = await journal();
    const put = entries.find((e) => e.operation === "VirtualMachines_CreateOrUpdate");
    const status = header(put, "azure-asyncoperation");
    const operation = new URL(status).pathname;
    const polls = entries.filter((e) => e.operation === "OperationStatus_Get" && e.path === operation);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(polls.at(-1)?.response?.body ?? "{}")).toMatchObject({ status: "Succeeded" });
    for (let i = 1; i < polls.length; i++) {
      const asked = Number(header(polls[i - 1], "retry-after")) * 1000;
      const gap = Date.parse((polls[i] as JournalEntry).time) - end(polls[i - 1] as JournalEntry);
      expect(asked).toBeGreaterThan(0);
      // The client waits at least what the previous answer asked (clock granularity aside).
      expect(gap).toBeGreaterThanOrEqual(asked - 25);
    }
  });

  test("the network is built while the IAM role is being made", async () => {
    const entries = await journal();
    const role = entries.find((e) => e.operation === "CreateRole") as JournalEntry;
    const vnet = entries.find((e) => e.operation === "VirtualNetworks_CreateOrUpdate") as JournalEntry;
    // The subnet waits for the VNet's operation to succeed: until then, the VNet was being built.
    const subnet = entries.find((e) => e.operation === "Subnets_CreateOrUpdate") as JournalEntry;
    expect(Date.parse(vnet.time)).toBeLessThan(end(role));
    expect(Date.parse(subnet.time)).toBeGreaterThan(Date.parse(role.time));
  });

  test("ssh -- CMD runs on the VM as the admin user and exits with the command's status", async () => {
    const run = await runCli(["--sandbox", "ssh", "--", 'echo "$USER"; exit 3'], { cwd: dir.path });
    expect(run.stdout).toBe("adminuser\n");
    expect(run.exitCode).toBe(3);
  });

  test("a second up is unchanged, with no write call", async () => {
    const before = (await journal()).length;
    const again = await cli(["up"]);
    expect(again.exitCode).toBe(0);
    expect(plannedActions(again).every((a) => a.kind === "unchanged")).toBe(true);
    expect(again.events.at(-1)).toMatchObject({
      type: "result",
      summary: expect.stringMatching(/^up: unchanged/) as unknown,
    });
    expect((await journal()).slice(before).filter((e) => e.write)).toEqual([]);
  });

  test("a changed host key is refused with the fix, never re-accepted", async () => {
    const path = join(stateDir, "state.json");
    const text = await readFile(path, "utf8");
    const pinned = /"hostKeyFingerprint": "([^"]+)"/.exec(text)?.[1] ?? "";
    await writeFile(path, text.replace(pinned, "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), { mode: 0o600 });
    const run = await cli(["ssh", "--", "true"]);
    expect(run.exitCode).toBe(1);
    expect(run.events.at(-1)).toMatchObject({
      type: "error",
      code: "HOST_KEY_CHANGED",
      message: expect.stringContaining(pinned) as unknown,
      hint: expect.stringContaining("hostKeyFingerprint") as unknown,
    });
  });
});

describe("vm layer errors against the sandbox", () => {
  test("0.0.0.0/0 without --allow-any-source is refused before any call", async () => {
    const before = (await journal()).length;
    const run = await cli(["vm"], { OIDC_BRIDGE_ADMIN_CIDRS: "0.0.0.0/0" });
    expect(run.exitCode).toBe(2);
    const error = run.events.at(-1);
    expect(error).toMatchObject({ type: "error", code: "CONFIG_INVALID" });
    expect(error?.type === "error" && error.details?.join("\n")).toMatch(
      /adminCidrs: "0\.0\.0\.0\/0" .*--allow-any-source/,
    );
    expect((await journal()).slice(before)).toEqual([]);
  });

  test("admin user `admin`: Azure's own error, with a hint naming the config field", async () => {
    const error = await bridgeFailure(
      withPorts(async (p) =>
        (await p.compute()).createVm("aws-oidc-rg", "vm-admin", {
          location: "germanywestcentral",
          size: "Standard_B2pts_v2",
          image: { publisher: "Debian", offer: "debian-13-daily", sku: "13-arm64", version: "latest" },
          adminUsername: "admin",
          publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsP7fZlzAk/tVDba2IHXPrYwcJAZ8rWOfLp/4uCCcqn",
          nicId: "/subscriptions/x/resourceGroups/aws-oidc-rg/providers/Microsoft.Network/networkInterfaces/none",
          identityId:
            "/subscriptions/x/resourceGroups/aws-oidc-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/none",
          userData: "",
          tags: {},
        }),
      ),
    );
    expect(error.message).toContain("InvalidParameter: The Admin Username specified is not allowed.");
    expect(error.hint).toContain("azure.vm.adminUsername");
  });
});

function header(e: JournalEntry | undefined, name: string): string {
  const found = Object.entries(e?.response?.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  const value = found?.[1];
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

function end(e: JournalEntry): number {
  return Date.parse(e.time) + e.durationMs;
}

import { describe, expect, test } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { KnownAfterApply } from "../../src/engine/known-after-apply.js";
import type { SecurityRule, VirtualMachine } from "../../src/cloud/azure/vm-ports.js";
import type { ResourceRecord } from "../../src/state/schema.js";
import { LAYER_NODES } from "../../src/layers/index.js";
import { planRules, sshRule, SSH_RULE_NAME } from "../../src/resources/vm/nsg-rules.js";
import { memoryState, planWith } from "../helpers/plan-graph.js";
import { bridgeFailure } from "../helpers/rejection.js";

const config = configSchema.parse({ azure: { subscriptionId: "8a2e4c6f-1d3b-4f5a-8c7e-9b0d2f4a6c81" } });
const ours = { "managed-by": "oidc-bridge", "oidc-bridge-deployment": "ob-1" };
const rg = "/subscriptions/s/resourceGroups/aws-oidc-rg";
const identityId = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aws-oidc-identity`;
const external = new Map<string, unknown>([
  ["resource-group", { name: "aws-oidc-rg" }],
  ["managed-identity", { id: identityId, name: "aws-oidc-identity", principalId: "p", clientId: "c", tenantId: "t" }],
]);
const nodes = LAYER_NODES.vm ?? [];
const admin = ["198.51.100.7/32"];
const net = `${rg}/providers/Microsoft.Network`;
const key = { privateKey: "(secret)", publicKey: "ssh-ed25519 AAAAkey", type: "ed25519" as const };
const existing = {
  "virtual-network": { id: `${net}/virtualNetworks/oidc-vnet`, addressPrefixes: ["10.42.0.0/16"], tags: ours },
  subnet: { id: `${net}/virtualNetworks/oidc-vnet/subnets/oidc-subnet`, addressPrefix: "10.42.2.0/24" },
  "public-ip": {
    id: `${net}/publicIPAddresses/oidc-pip`,
    ipAddress: "203.0.113.4",
    sku: "Standard",
    allocation: "Static",
    tags: ours,
  },
  "network-security-group": {
    group: { id: `${net}/networkSecurityGroups/oidc-nsg`, rules: [sshRule(admin)], tags: ours },
    adminCidrs: admin,
  },
  "network-interface": {
    id: `${net}/networkInterfaces/oidc-nic`,
    subnetId: `${net}/virtualNetworks/oidc-vnet/subnets/oidc-subnet`,
    publicIpId: `${net}/publicIPAddresses/oidc-pip`,
    nsgId: `${net}/networkSecurityGroups/oidc-nsg`,
    privateIp: "10.42.2.4",
    tags: ours,
  },
  "ssh-key": {
    local: key,
    azure: {
      id: `${rg}/providers/Microsoft.Compute/sshPublicKeys/oidc-ssh-key`,
      publicKey: `${key.publicKey} c`,
      tags: ours,
    },
  },
};
const vm = (over: Partial<VirtualMachine> = {}): VirtualMachine => ({
  id: `${rg}/providers/Microsoft.Compute/virtualMachines/oidc-vm`,
  vmId: "vm-1",
  provisioningState: "Succeeded",
  size: "Standard_B2pts_v2",
  image: "Debian:debian-13-daily:13-arm64:latest",
  adminUsername: "adminuser",
  identityIds: [identityId.toLowerCase()],
  nicIds: [existing["network-interface"].id],
  sshKeys: [key.publicKey],
  passwordLogin: false,
  tags: ours,
  ...over,
});
/** Every vm-layer resource recorded as ours, the VM with a pinned host key. */
const recorded = (): ResourceRecord[] => {
  const r = (kind: ResourceRecord["kind"], id: string, attributes: Record<string, unknown>) =>
    ({
      kind,
      layer: "vm",
      node: kind,
      id,
      createdByUs: true,
      status: "ready",
      recordedAt: "t",
      attributes,
    }) as ResourceRecord;
  const named = { name: "n", resourceGroup: "aws-oidc-rg" };
  return [
    r("azure-virtual-network", existing["virtual-network"].id, named),
    r("azure-subnet", existing.subnet.id, { ...named, vnet: "oidc-vnet" }),
    r("azure-public-ip", existing["public-ip"].id, named),
    r("azure-network-security-group", existing["network-security-group"].group.id, named),
    r("azure-network-interface", existing["network-interface"].id, named),
    r("azure-ssh-public-key", existing["ssh-key"].azure.id, {
      ...named,
      keyPath: "/state/ssh/oidc-ssh-key",
      keyType: "ed25519",
      publicKey: key.publicKey,
    }),
    r("azure-virtual-machine", vm().id, {
      ...named,
      vmId: "vm-1",
      adminUsername: "adminuser",
      keyPath: "/state/ssh/oidc-ssh-key",
      publicIp: "203.0.113.4",
      hostKeyFingerprint: "SHA256:pinned",
    }),
  ];
};
const plan = (observed: Record<string, unknown>, records: ResourceRecord[] = []) =>
  planWith(nodes, observed, { external, config, state: memoryState("ob-1", records) });

describe("vm layer plan", () => {
  test("creates the network, key and VM when nothing exists, then waits for it; ids known after apply", async () => {
    const { actions, plan: p } = await plan({
      "network-security-group": { group: undefined, adminCidrs: admin },
      "ssh-key": { local: undefined, azure: undefined },
    });
    expect(actions.map((a) => `${a.kind} ${a.node}`)).toEqual([
      "create virtual-network",
      "create subnet",
      "create public-ip",
      "create network-security-group",
      "create network-interface",
      "create ssh-key",
      "create virtual-machine",
      "update vm-ready",
    ]);
    expect(actions.find((a) => a.node === "network-security-group")?.reason).toContain(
      "one inbound allow rule: allow Tcp port 22 from 198.51.100.7/32",
    );
    expect(actions.find((a) => a.node === "ssh-key")?.reason).toContain("/state/ssh/oidc-ssh-key (0600)");
    const vmOut = p.nodes.find((n) => n.node.id === "virtual-machine")?.outputs;
    expect(vmOut?.vmId).toBeInstanceOf(KnownAfterApply);
  });

  test("a deployment as recorded is unchanged throughout, the host key pin included", async () => {
    const { actions } = await plan({ ...existing, "virtual-machine": vm() }, recorded());
    expect(actions.map((a) => a.kind)).toEqual(Array(8).fill("unchanged"));
    expect(actions.at(-1)?.reason).toContain("host key SHA256:pinned pinned");
  });

  test("an existing VM without our identity gets it attached, nothing rebuilt; other differences only reported", async () => {
    const { actions } = await plan(
      { ...existing, "virtual-machine": vm({ identityIds: [], size: "Standard_D2s_v5", passwordLogin: true }) },
      recorded(),
    );
    const vmActions = actions.filter((a) => a.node === "virtual-machine");
    expect(vmActions.map((a) => a.kind)).toEqual(["update"]);
    expect(vmActions[0]?.reason).toMatch(/identity aws-oidc-identity is not attached: attach it/);
    expect(actions.some((a) => a.kind === "create" || a.kind === "delete")).toBe(false);
    const adopted = await plan(
      { ...existing, "virtual-machine": vm({ tags: {}, size: "Standard_D2s_v5", passwordLogin: true }) },
      [],
    );
    const reason = adopted.actions.find((a) => a.node === "virtual-machine")?.reason ?? "";
    expect(reason).toContain("size Standard_D2s_v5, the config says Standard_B2pts_v2");
    expect(reason).toContain("password login is enabled");
    expect(reason).toContain("never rebuilt");
  });

  test("a VM the state records with another vmId (rebuilt) is waited for again: its pin does not carry over", async () => {
    const { actions } = await plan({ ...existing, "virtual-machine": vm({ vmId: "vm-2" }) }, recorded());
    expect(actions.find((a) => a.node === "vm-ready")?.kind).toBe("update");
  });

  test("an Azure key without its private half is refused before any change, with the way out", async () => {
    const error = await bridgeFailure(
      plan({ ...existing, "ssh-key": { local: undefined, azure: existing["ssh-key"].azure } }, recorded()),
    );
    expect(error.code).toBe("SSH_KEY_MISSING");
    expect(error.message).toContain("/state/ssh/oidc-ssh-key");
  });
});

describe("NSG rules", () => {
  const rule = (over: Partial<SecurityRule>): SecurityRule => ({ ...sshRule(admin), ...over });

  test("a group whose only rule is ours is left alone", () => {
    expect(planRules([sshRule(admin)], admin)).toEqual({ foreign: [] });
  });

  test("our rule allowing more (another source, another port) is set back to exactly TCP 22 from the admin CIDRs", () => {
    const plan = planRules([rule({ sourceAddressPrefixes: ["*"], destinationPortRanges: ["22", "3389"] })], admin);
    expect(plan.write).toEqual([sshRule(admin)]);
    expect(plan.why).toMatch(/must allow exactly allow Tcp port 22 from 198\.51\.100\.7\/32/);
  });

  test("rules added by hand are reported and kept; ours avoids their priority", () => {
    const web = rule({ name: "web", priority: 1000, destinationPortRanges: ["80"], sourceAddressPrefixes: ["*"] });
    const deny = rule({ name: "deny-x", priority: 1001, access: "Deny" });
    const plan = planRules([web, deny], admin);
    expect(plan.foreign).toEqual([web]);
    expect(plan.write?.filter((r) => r.name !== SSH_RULE_NAME)).toEqual([web, deny]);
    expect(plan.write?.find((r) => r.name === SSH_RULE_NAME)?.priority).toBe(1002);
  });
});

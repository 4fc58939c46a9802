import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceManagementClient } from "@azure/arm-resources";
import { NetworkManagementClient, type SecurityRule } from "@azure/arm-network";
import { SANDBOX_ENV, SANDBOX_SUBSCRIPTION_ID } from "../../src/sandbox/constants.js";
import { ARM_SCOPE, AzureClouds, armFetch, restErrorOf, type AzureCloud } from "./azure-helpers.js";

/** Virtual networks, subnets, public IPs, NSGs and NICs through @azure/arm-network, and on the wire. */

const clouds = new AzureClouds();
afterAll(() => clouds.stopAll());

const SUB = SANDBOX_SUBSCRIPTION_ID;
const RG = "rg-net";
const net = (type: string, name: string): string =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/${type}/${name}`;
const sshRule: SecurityRule = {
  name: "ssh",
  protocol: "Tcp",
  sourcePortRange: "*",
  destinationPortRange: "22",
  sourceAddressPrefix: "*",
  destinationAddressPrefix: "*",
  access: "Allow",
  priority: 100,
  direction: "Inbound",
};

describe("Azure sandbox: networks through the SDK (fast profile)", () => {
  let cloud: AzureCloud;
  let network: NetworkManagementClient;

  beforeAll(async () => {
    cloud = await clouds.start({});
    const resources = new ResourceManagementClient(cloud.credential, SUB, {
      endpoint: cloud.arm,
      credentials: { scopes: [ARM_SCOPE] },
    });
    await resources.resourceGroups.createOrUpdate(RG, { location: "westeurope" });
    network = new NetworkManagementClient(cloud.credential, SUB, {
      endpoint: cloud.arm,
      credentials: { scopes: [ARM_SCOPE] },
    });
  });

  it("builds a VNet, a subnet, a public IP, an NSG and two NICs, each reading Succeeded when the poller returns", async () => {
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(RG, "vnet1", {
      location: "westeurope",
      addressSpace: { addressPrefixes: ["10.10.0.0/16"] },
    });
    expect(vnet.provisioningState).toBe("Succeeded");
    expect(vnet.etag).toMatch(/^W\/"[0-9a-f-]{36}"$/);
    expect(vnet.resourceGuid).toMatch(/^[0-9a-f-]{36}$/);

    const subnet = await network.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "default", {
      addressPrefix: "10.10.1.0/24",
    });
    expect(subnet.id).toBe(`${net("virtualNetworks", "vnet1")}/subnets/default`);
    // A subnet PUT shows in its VNet.
    const withSubnet = await network.virtualNetworks.get(RG, "vnet1");
    expect(withSubnet.subnets?.map((s) => [s.name, s.addressPrefix])).toEqual([["default", "10.10.1.0/24"]]);

    const ip = await network.publicIPAddresses.beginCreateOrUpdateAndWait(RG, "pip1", {
      location: "westeurope",
      sku: { name: "Standard" },
      publicIPAllocationMethod: "Static",
    });
    expect(ip.ipAddress).toMatch(/^203\.0\.113\.\d{1,3}$/);
    expect(ip.sku).toEqual({ name: "Standard", tier: "Regional" });

    const nsg = await network.networkSecurityGroups.beginCreateOrUpdateAndWait(RG, "nsg1", {
      location: "westeurope",
      securityRules: [sshRule],
    });
    expect(nsg.securityRules?.map((r) => [r.name, r.priority, r.destinationPortRange])).toEqual([["ssh", 100, "22"]]);
    expect(nsg.defaultSecurityRules?.map((r) => r.name)).toEqual([
      "AllowVnetInBound",
      "AllowAzureLoadBalancerInBound",
      "DenyAllInBound",
      "AllowVnetOutBound",
      "AllowInternetOutBound",
      "DenyAllOutBound",
    ]);

    const nic = await network.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic1", {
      location: "westeurope",
      networkSecurityGroup: { id: nsg.id! },
      ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnet.id! }, publicIPAddress: { id: ip.id! } }],
    });
    const [config] = nic.ipConfigurations ?? [];
    // Azure keeps .0-.3 of every subnet: the first NIC gets .4, the next .5.
    expect(config?.privateIPAddress).toBe("10.10.1.4");
    expect(config?.privateIPAllocationMethod).toBe("Dynamic");
    expect(config?.primary).toBe(true);
    expect(nic.macAddress).toBeUndefined();
    expect(nic.virtualMachine).toBeUndefined();
    const second = await network.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic2", {
      location: "westeurope",
      ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnet.id! } }],
    });
    expect(second.ipConfigurations?.[0]?.privateIPAddress).toBe("10.10.1.5");

    // The other side of each reference shows it.
    expect((await network.publicIPAddresses.get(RG, "pip1")).ipConfiguration?.id).toBe(config?.id);
    expect((await network.networkSecurityGroups.get(RG, "nsg1")).networkInterfaces?.map((n) => n.id)).toEqual([nic.id]);
    expect((await network.subnets.get(RG, "vnet1", "default")).ipConfigurations?.map((c) => c.id).sort()).toEqual(
      [config?.id, second.ipConfigurations?.[0]?.id].sort(),
    );
  });

  it("keeps a NIC's private address when it is updated (an NSG association by PUT)", async () => {
    const before = await network.networkInterfaces.get(RG, "nic2");
    const after = await network.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic2", {
      ...before,
      networkSecurityGroup: { id: net("networkSecurityGroups", "nsg1") },
    });
    expect(after.ipConfigurations?.[0]?.privateIPAddress).toBe("10.10.1.5");
    expect(after.networkSecurityGroup?.id).toBe(net("networkSecurityGroups", "nsg1"));
    expect(after.etag).not.toBe(before.etag);
  });

  it("refuses NICs whose subnet, public IP or NSG does not exist with InvalidResourceReference", async () => {
    const missing = `${net("virtualNetworks", "vnet1")}/subnets/nowhere`;
    const err = await restErrorOf(
      network.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic-bad", {
        location: "westeurope",
        ipConfigurations: [{ name: "ipconfig1", subnet: { id: missing } }],
      }),
    );
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe("InvalidResourceReference");
    expect(err.message).toBe(
      `Resource ${missing} referenced by resource ${net("networkInterfaces", "nic-bad")} was not found. Please make ` +
        "sure that the referenced resource exists, and that both resources are in the same region.",
    );
    const noNsg = await restErrorOf(
      network.networkInterfaces.beginCreateOrUpdateAndWait(RG, "nic-bad", {
        location: "westeurope",
        networkSecurityGroup: { id: net("networkSecurityGroups", "nsg-none") },
        ipConfigurations: [{ name: "ipconfig1", subnet: { id: `${net("virtualNetworks", "vnet1")}/subnets/default` } }],
      }),
    );
    expect(noNsg.code).toBe("InvalidResourceReference");
  });

  it("checks security rules: priority 100-4096, one priority per direction, port and prefix syntax, protocol", async () => {
    const put = (rules: SecurityRule[]): Promise<unknown> =>
      network.networkSecurityGroups.beginCreateOrUpdateAndWait(RG, "nsg-check", {
        location: "westeurope",
        securityRules: rules.map((r) => ({ ...sshRule, ...r })),
      });
    const priority = await restErrorOf(put([{ name: "low", priority: 99 }]));
    expect([priority.statusCode, priority.code, priority.message]).toEqual([
      400,
      "SecurityRuleInvalidPriority",
      "Security rule has invalid Priority. Value provided: 99 Allowed range 100-4096.",
    ]);
    expect((await restErrorOf(put([{ name: "high", priority: 4097 }]))).code).toBe("SecurityRuleInvalidPriority");

    const clash = await restErrorOf(put([{ name: "a" }, { name: "b", destinationPortRange: "443" }]));
    expect(clash.code).toBe("SecurityRuleConflict");
    expect(clash.message).toBe(
      "Security rule a conflicts with rule b. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.",
    );
    // The same priority in the other direction is fine.
    await put([{ name: "in" }, { name: "out", direction: "Outbound" }]);

    for (const port of ["any", "70000", "100-90", "22,23"]) {
      const err = await restErrorOf(put([{ name: "p", destinationPortRange: port }]));
      expect(err.code).toBe("SecurityRuleInvalidPortRange");
      expect(err.message).toBe(
        `Security rule has invalid Port range. Value provided: ${port}. Value should be an integer OR integer range ` +
          "with '-' delimiter. Valid range 0-65535.",
      );
    }
    await put([{ name: "range", destinationPortRange: "8000-8080" }]);

    for (const prefix of ["any", "10.0.0.1/24", "300.1.1.1", "NoSuchTag"]) {
      const err = await restErrorOf(put([{ name: "x", sourceAddressPrefix: prefix }]));
      expect(err.code).toBe("SecurityRuleInvalidAddressPrefix");
      expect(err.message).toContain(`Value provided: ${prefix}`);
    }
    await put([{ name: "tags", sourceAddressPrefix: "Internet", destinationAddressPrefix: "10.10.1.0/24" }]);

    const protocol = await restErrorOf(put([{ name: "h", protocol: "Http" }]));
    expect([protocol.statusCode, protocol.code]).toEqual([400, "InvalidRequestFormat"]);
  });

  it("checks subnets against the VNet's address space and each other", async () => {
    const bad = async (prefix: string): Promise<string | undefined> =>
      (await restErrorOf(network.subnets.beginCreateOrUpdateAndWait(RG, "vnet1", "s-bad", { addressPrefix: prefix })))
        .code;
    expect(await bad("10.20.0.0/24")).toBe("NetcfgInvalidSubnet");
    expect(await bad("10.10.1.128/25")).toBe("NetcfgSubnetRangesOverlap");
    expect(await bad("10.10.2.0/33")).toBe("InvalidAddressPrefixFormat");
    expect(await bad("10.10.2.1/24")).toBe("InvalidCIDRNotation");
  });

  it("refuses to delete what is in use: a subnet with NICs, a public IP on a NIC, an NSG on a NIC", async () => {
    const subnet = await restErrorOf(network.subnets.beginDeleteAndWait(RG, "vnet1", "default"));
    expect(subnet.code).toBe("InUseSubnetCannotBeDeleted");
    expect((await restErrorOf(network.virtualNetworks.beginDeleteAndWait(RG, "vnet1"))).code).toBe(
      "InUseSubnetCannotBeDeleted",
    );
    const ip = await restErrorOf(network.publicIPAddresses.beginDeleteAndWait(RG, "pip1"));
    expect(ip.code).toBe("PublicIPAddressInUse");
    expect(ip.message).toContain(`${net("networkInterfaces", "nic1")}/ipConfigurations/ipconfig1`);
    const nsg = await restErrorOf(network.networkSecurityGroups.beginDeleteAndWait(RG, "nsg1"));
    expect(nsg.code).toBe("InUseNetworkSecurityGroupCannotBeDeleted");
  });

  it("deletes through the poller once nothing uses a resource, and answers 204 for what is already gone", async () => {
    await network.networkInterfaces.beginDeleteAndWait(RG, "nic1");
    await network.networkInterfaces.beginDeleteAndWait(RG, "nic2");
    await network.publicIPAddresses.beginDeleteAndWait(RG, "pip1");
    expect((await restErrorOf(network.publicIPAddresses.get(RG, "pip1"))).code).toBe("ResourceNotFound");
    await network.networkSecurityGroups.beginDeleteAndWait(RG, "nsg1");
    const statuses: number[] = [];
    await network.networkSecurityGroups.beginDeleteAndWait(RG, "nsg1", {
      onResponse: (raw) => void statuses.push(raw.status),
    });
    expect(statuses).toEqual([204]);
    await network.subnets.beginDeleteAndWait(RG, "vnet1", "default");
    expect((await network.virtualNetworks.get(RG, "vnet1")).subnets).toEqual([]);
  });

  it("replaces a VNet's subnets with the list its PUT gives", async () => {
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(RG, "vnet2", {
      location: "westeurope",
      addressSpace: { addressPrefixes: ["10.30.0.0/16"] },
      subnets: [
        { name: "a", addressPrefix: "10.30.1.0/24" },
        { name: "b", addressPrefix: "10.30.2.0/24" },
      ],
    });
    expect(vnet.subnets?.map((s) => s.name)).toEqual(["a", "b"]);
    expect((await network.subnets.get(RG, "vnet2", "b")).addressPrefix).toBe("10.30.2.0/24");
    const again = await network.virtualNetworks.beginCreateOrUpdateAndWait(RG, "vnet2", {
      location: "westeurope",
      addressSpace: { addressPrefixes: ["10.30.0.0/16"] },
      subnets: [{ name: "a", addressPrefix: "10.30.1.0/24" }],
    });
    expect(again.subnets?.map((s) => s.name)).toEqual(["a"]);
    expect((await restErrorOf(network.subnets.get(RG, "vnet2", "b"))).statusCode).toBe(404);
  });

  it("answers Basic or Dynamic public IPs as Azure does now that Basic is retired", async () => {
    const dynamic = await restErrorOf(
      network.publicIPAddresses.beginCreateOrUpdateAndWait(RG, "pip-dyn", {
        location: "westeurope",
        sku: { name: "Standard" },
        publicIPAllocationMethod: "Dynamic",
      }),
    );
    expect(dynamic.code).toBe("StandardSkuPublicIPAddressesMustBeStatic");
    const basic = await restErrorOf(
      network.publicIPAddresses.beginCreateOrUpdateAndWait(RG, "pip-basic", {
        location: "westeurope",
        sku: { name: "Basic" },
      }),
    );
    expect(basic.statusCode).toBe(400);
  });
});

describe("Azure sandbox: network long-running operations on the wire (realistic profile, shifted clock)", () => {
  // Operations that take real-world time, with a clock the test moves (answers still take their
  // realistic half a second or so each).
  let slow: AzureCloud;
  let t: string;
  // Scale 0: operations finish at once.
  let cloud: AzureCloud;
  let token: string;
  let offset = 0;
  const base = `/subscriptions/${SUB}/resourceGroups/rg-wire/providers/Microsoft.Network`;
  const group = (c: AzureCloud, tok: string): Promise<unknown> =>
    armFetch(`${c.arm}/subscriptions/${SUB}/resourcegroups/rg-wire?api-version=2025-04-01`, {
      method: "PUT",
      token: tok,
      body: JSON.stringify({ location: "eastus" }),
    });

  beforeAll(async () => {
    slow = await clouds.start({ [SANDBOX_ENV.profile]: "realistic" }, () => Date.now() + offset);
    t = (await slow.credential.getToken(ARM_SCOPE)).token;
    await group(slow, t);
    cloud = await clouds.start({ [SANDBOX_ENV.profile]: "realistic", [SANDBOX_ENV.latencyScale]: "0" });
    token = (await cloud.credential.getToken(ARM_SCOPE)).token;
    await group(cloud, token);
  });

  it("answers a VNet PUT 201 Updating with Azure-AsyncOperation, polls InProgress then Succeeded, readable throughout", async () => {
    const arm = slow.arm;
    const url = `${arm}${base}/virtualNetworks/vnet-wire?api-version=2026-01-01`;
    const body = JSON.stringify({
      location: "eastus",
      properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } },
    });
    const created = await armFetch(url, { method: "PUT", token: t, body });
    expect(created.status).toBe(201);
    expect(created.body.properties.provisioningState).toBe("Updating");
    const status = created.headers.get("azure-asyncoperation")!;
    expect(status).toMatch(
      new RegExp(
        `^${arm}/subscriptions/${SUB}/providers/Microsoft\\.Network/locations/eastus/operations/[0-9a-f-]{36}\\?api-version=2026-01-01$`,
      ),
    );
    expect(created.headers.get("x-ms-request-id")).toBe(status.split("/operations/")[1]!.split("?")[0]);
    expect(Number(created.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(created.headers.get("azure-asyncnotification")).toBe("Enabled");

    const running = await armFetch(status, { token: t });
    expect(running.status).toBe(200);
    expect(running.body).toEqual({ status: "InProgress" });
    expect(Number(running.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await armFetch(url, { token: t })).body.properties.provisioningState).toBe("Updating");

    offset += 20_000;
    const done = await armFetch(status, { token: t });
    expect(done.body).toEqual({ status: "Succeeded" });
    expect(done.headers.get("retry-after")).toBeNull();
    expect((await armFetch(url, { token: t })).body.properties.provisioningState).toBe("Succeeded");

    // A second PUT is an update: 200, still Updating until its own operation ends.
    const updated = await armFetch(url, { method: "PUT", token: t, body });
    expect(updated.status).toBe(200);
    expect(updated.body.properties.provisioningState).toBe("Updating");
    offset += 20_000;
  });

  it("answers a network DELETE 202 with both Azure-AsyncOperation and Location, and a missing one 204", async () => {
    const url = `${cloud.arm}${base}/networkSecurityGroups/nsg-wire?api-version=2026-01-01`;
    expect((await armFetch(url, { method: "PUT", token, body: JSON.stringify({ location: "eastus" }) })).status).toBe(
      201,
    );
    const accepted = await armFetch(url, { method: "DELETE", token });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toBeUndefined();
    expect(accepted.headers.get("azure-asyncoperation")).toMatch(
      /\/providers\/Microsoft\.Network\/locations\/eastus\/operations\//,
    );
    const location = accepted.headers.get("location")!;
    expect(location).toMatch(/\/providers\/Microsoft\.Network\/locations\/eastus\/operationResults\//);
    expect((await armFetch(accepted.headers.get("azure-asyncoperation")!, { token })).body).toEqual({
      status: "Succeeded",
    });
    expect((await armFetch(location, { token })).status).toBe(204);
    expect((await armFetch(url, { method: "DELETE", token })).status).toBe(204);
  });

  it("cancels a PUT overtaken by a newer one, with the error in the status body", async () => {
    const url = `${slow.arm}${base}/publicIPAddresses/pip-twice?api-version=2026-01-01`;
    const body = JSON.stringify({ location: "eastus", sku: { name: "Standard" } });
    const first = await armFetch(url, { method: "PUT", token: t, body });
    const second = await armFetch(url, { method: "PUT", token: t, body });
    expect([first.status, second.status]).toEqual([201, 200]);
    const canceled = await armFetch(first.headers.get("azure-asyncoperation")!, { token: t });
    expect(canceled.body.status).toBe("Canceled");
    expect(canceled.body.error.code).toBe("CanceledAndSupersededDueToAnotherOperation");
    expect((await armFetch(second.headers.get("azure-asyncoperation")!, { token: t })).body.status).toBe("InProgress");
  });
});

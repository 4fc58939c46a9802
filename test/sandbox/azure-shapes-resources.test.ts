import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_SUBSCRIPTION_ID } from "../../src/sandbox/constants.js";
import {
  ARM_SCOPE,
  AzureClouds,
  armFetch,
  exampleBody,
  fixture,
  keyPaths,
  sshPublicKeyLine,
  type AzureCloud,
} from "./azure-helpers.js";

/**
 * Network and compute bodies against Azure's examples (test/fixtures/azure): the same member paths,
 * except the extras real answers carry and the spec examples leave out, and the members of
 * features the sandbox does not emulate, each listed with its reason.
 */

const clouds = new AzureClouds();
afterAll(() => clouds.stopAll());

const SUB = SANDBOX_SUBSCRIPTION_ID;
const RG = "rg1";
let cloud: AzureCloud;
let token: string;

const url = (path: string, version: string): string =>
  `${cloud.arm}/subscriptions/${SUB}/resourceGroups/${RG}/providers/${path}?api-version=${version}`;
const network = (path: string): string => url(`Microsoft.Network/${path}`, "2026-01-01");
const compute = (path: string): string => url(`Microsoft.Compute/${path}`, "2026-04-01");
const id = (path: string): string => `/subscriptions/${SUB}/resourceGroups/${RG}/providers/${path}`;
const put = async (target: string, body: unknown): Promise<Awaited<ReturnType<typeof armFetch>>> => {
  const res = await armFetch(target, { method: "PUT", token, body: JSON.stringify(body) });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res;
};
const request = async (name: string, parameter: string): Promise<Record<string, unknown>> =>
  (await fixture<{ parameters: Record<string, Record<string, unknown>> }>(name)).parameters[parameter] ?? {};

/** Paths of `ours` must be those of `theirs`, plus `extra`, minus `absent`. */
function sameShape(ours: unknown, theirs: unknown, extra: string[] = [], absent: string[] = []): void {
  const expected = new Set([
    ...keyPaths(theirs).filter((p) => !absent.some((a) => p === a || p.startsWith(`${a}.`))),
    ...extra,
  ]);
  expect(keyPaths(ours)).toEqual([...expected].sort());
}

// Real NRP answers carry these; the spec examples leave them out.
const NETWORK_EXTRAS = ["etag", "properties.resourceGuid"];

beforeAll(async () => {
  cloud = await clouds.start({});
  token = (await cloud.credential.getToken(ARM_SCOPE)).token;
  await put(`${cloud.arm}/subscriptions/${SUB}/resourcegroups/${RG}?api-version=2025-04-01`, { location: "eastus" });
});

describe("network bodies against Azure's examples", () => {
  it("a VNet as vnet-create.json, and a subnet as subnet-create.json", async () => {
    const vnet = await put(network("virtualNetworks/test-vnet"), await request("vnet-create.json", "parameters"));
    sameShape(vnet.body, await exampleBody("vnet-create.json", "201"), [
      ...NETWORK_EXTRAS,
      "properties.enableDdosProtection",
    ]);
    const subnet = await put(
      network("virtualNetworks/test-vnet/subnets/subnet1"),
      await request("subnet-create.json", "subnetParameters"),
    );
    sameShape(subnet.body, await exampleBody("subnet-create.json", "201"), [
      "etag",
      "type",
      // Real subnets list these policies and their (empty) delegations.
      "properties.delegations",
      "properties.privateEndpointNetworkPolicies",
      "properties.privateLinkServiceNetworkPolicies",
    ]);
  });

  it("a Standard static public IP as publicip-create-standard-static.json", async () => {
    const example = await fixture<{ parameters: { zones: string[]; parameters: Record<string, unknown> } }>(
      "publicip-create-standard-static.json",
    );
    // The example puts `zones` beside the body; the API takes it in the body.
    const pip = await put(network("publicIPAddresses/test-ip"), {
      ...example.parameters.parameters,
      zones: example.parameters.zones,
    });
    sameShape(
      pip.body,
      await exampleBody("publicip-create-standard-static.json", "201"),
      [...NETWORK_EXTRAS, "properties.ipAddress", "properties.ipTags"],
      // Attached to a NIC in the example; this one is not.
      ["properties.ipConfiguration"],
    );
  });

  it("NSGs as nsg-create.json and nsg-create-with-rule.json", async () => {
    const ruleExtras = ["etag", "type"];
    const plain = await put(network("networkSecurityGroups/testnsg"), await request("nsg-create.json", "parameters"));
    sameShape(plain.body, await exampleBody("nsg-create.json", "201"), [
      ...NETWORK_EXTRAS,
      ...ruleExtras.map((e) => `properties.defaultSecurityRules[].${e}`),
    ]);
    const withRule = await put(
      network("networkSecurityGroups/testnsg2"),
      await request("nsg-create-with-rule.json", "parameters"),
    );
    sameShape(withRule.body, await exampleBody("nsg-create-with-rule.json", "201"), [
      ...NETWORK_EXTRAS,
      // nsg-create.json shows it; this example alone leaves it out.
      "properties.flushConnection",
      ...ruleExtras.flatMap((e) => [`properties.defaultSecurityRules[].${e}`, `properties.securityRules[].${e}`]),
    ]);
  });

  it("a NIC as nic-create.json, and attached to a VM with an NSG as nic-get-with-nsg.json", async () => {
    await put(network("virtualNetworks/rg1-vnet"), {
      location: "eastus",
      properties: {
        addressSpace: { addressPrefixes: ["172.20.0.0/16"] },
        subnets: [{ name: "default", properties: { addressPrefix: "172.20.2.0/24" } }],
      },
    });
    const body = await request("nic-create.json", "parameters");
    const ipConfigurations = (
      body.properties as { ipConfigurations: Array<{ name: string; properties: Record<string, unknown> }> }
    ).ipConfigurations;
    const [first] = ipConfigurations;
    const nic = await put(network("networkInterfaces/test-nic"), {
      ...body,
      properties: {
        ...(body.properties as object),
        // IP configurations with a private prefix length (ipconfig2) are not emulated.
        ipConfigurations: [
          {
            name: first?.name,
            properties: {
              publicIPAddress: { id: id("Microsoft.Network/publicIPAddresses/test-ip") },
              subnet: { id: id("Microsoft.Network/virtualNetworks/rg1-vnet/subnets/default") },
            },
          },
        ],
      },
    });
    const configExtras = ["etag", "type"].map((e) => `properties.ipConfigurations[].${e}`);
    sameShape(
      nic.body,
      await exampleBody("nic-create.json", "201"),
      // The 200 answer of the same example shows disableTcpStateTracking; the 201 leaves it out.
      [...NETWORK_EXTRAS, ...configExtras, "properties.disableTcpStateTracking"],
      ["properties.ipConfigurations[].properties.privateIPAddressPrefixLength"],
    );

    await put(network("networkSecurityGroups/nsg"), { location: "eastus" });
    await put(network("networkInterfaces/test-nic"), {
      ...(nic.body as object),
      properties: {
        ...nic.body.properties,
        networkSecurityGroup: { id: id("Microsoft.Network/networkSecurityGroups/nsg") },
      },
    });
    await put(compute("virtualMachines/vm1"), linuxVm(id("Microsoft.Network/networkInterfaces/test-nic")));
    const attached = await armFetch(network("networkInterfaces/test-nic"), { token });
    sameShape(
      attached.body,
      await exampleBody("nic-get-with-nsg.json", "200"),
      [...NETWORK_EXTRAS, ...configExtras],
      [
        // Not emulated: DSCP configurations, internal DNS suffixes, private prefix lengths.
        "properties.dscpConfiguration",
        "properties.dnsSettings.internalDomainNameSuffix",
        "properties.ipConfigurations[].properties.privateIPAddressPrefixLength",
      ],
    );
  });
});

function linuxVm(nicId: string): Record<string, unknown> {
  return {
    location: "eastus",
    properties: {
      hardwareProfile: { vmSize: "Standard_D1_v2" },
      storageProfile: {
        imageReference: { sku: "22_04-lts", publisher: "Canonical", version: "latest", offer: "ubuntu" },
        osDisk: {
          caching: "ReadWrite",
          managedDisk: { storageAccountType: "Standard_LRS" },
          name: "myVMosdisk",
          createOption: "FromImage",
        },
      },
      osProfile: {
        adminUsername: "azureuser",
        computerName: "myVM",
        linuxConfiguration: {
          ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: sshPublicKeyLine("ed25519") }] },
          disablePasswordAuthentication: true,
        },
      },
      networkProfile: { networkInterfaces: [{ id: nicId, properties: { primary: true } }] },
    },
  };
}

// Real VM answers carry these; the spec examples leave them out.
const VM_EXTRAS = [
  "etag",
  "properties.timeCreated",
  "properties.storageProfile.imageReference.exactVersion",
  "properties.storageProfile.osDisk.managedDisk.id",
  "properties.storageProfile.osDisk.deleteOption",
  "properties.storageProfile.osDisk.diskSizeGB",
  "properties.osProfile.linuxConfiguration.provisionVMAgent",
  "properties.osProfile.linuxConfiguration.patchSettings",
  "properties.osProfile.linuxConfiguration.patchSettings.patchMode",
  "properties.osProfile.linuxConfiguration.patchSettings.assessmentMode",
  "properties.osProfile.allowExtensionOperations",
  "properties.osProfile.requireGuestProvisionSignal",
];

describe("compute bodies against Azure's examples", () => {
  it("an SSH public key as sshpublickey-create.json", async () => {
    const key = await put(compute("sshPublicKeys/mySshPublicKeyName"), {
      location: "westus",
      properties: { publicKey: sshPublicKeyLine("rsa") },
    });
    sameShape(key.body, await exampleBody("sshpublickey-create.json", "201"));
  });

  it("a Linux VM with SSH as vm-create-linux-ssh.json; a GET within what vm-get.json shows", async () => {
    await put(network("networkInterfaces/nic-vm2"), {
      location: "eastus",
      properties: {
        ipConfigurations: [
          {
            name: "ipconfig1",
            properties: { subnet: { id: id("Microsoft.Network/virtualNetworks/rg1-vnet/subnets/default") } },
          },
        ],
      },
    });
    const created = await put(
      compute("virtualMachines/vm2"),
      linuxVm(id("Microsoft.Network/networkInterfaces/nic-vm2")),
    );
    expect(created.status).toBe(201);
    sameShape(created.body, await exampleBody("vm-create-linux-ssh.json", "201"), VM_EXTRAS);
    // A GET is a subset of what real GETs (Windows example) and creations (Linux example) show together.
    const fetched = await armFetch(`${compute("virtualMachines/vm2")}&$expand=userData`, { token });
    const known = new Set([
      ...keyPaths(await exampleBody("vm-get.json", "200")),
      ...keyPaths(await exampleBody("vm-create-linux-ssh.json", "200")),
      ...VM_EXTRAS,
    ]);
    expect(keyPaths(fetched.body).filter((p) => !known.has(p))).toEqual([]);
  });

  it("an instance view within what vm-instanceview.json shows", async () => {
    const view = await armFetch(compute("virtualMachines/vm2/instanceView"), { token });
    const known = new Set(keyPaths(await exampleBody("vm-instanceview.json", "200")));
    expect(keyPaths(view.body).filter((p) => !known.has(p))).toEqual([]);
    expect(keyPaths(view.body)).toEqual(
      expect.arrayContaining(["statuses[].code", "vmAgent.statuses[].code", "disks[].name"]),
    );
  });

  it("a VM DELETE with vm-delete.json's Location, the `?` in its place", async () => {
    const example = await fixture<{ responses: { "202": { headers: { Location: string } } } }>("vm-delete.json");
    const accepted = await armFetch(compute("virtualMachines/vm2"), { method: "DELETE", token });
    expect(accepted.status).toBe(202);
    const ours = new URL(accepted.headers.get("location")!);
    const theirs = example.responses["202"].headers.Location;
    const theirPath = new URL(theirs.replace("&monitor", "?monitor")).pathname;
    const shape = (path: string): string =>
      path
        .replace(/\/subscriptions\/[^/]+/, "")
        .replace(/[^/]+$/, "<id>")
        .replace(/locations\/[^/]+/, "locations/<region>");
    expect(shape(ours.pathname)).toBe(shape(theirPath));
    expect(ours.searchParams.get("monitor")).toBe("true");
    expect(ours.searchParams.get("api-version")).toBe("2026-04-01");
  });
});

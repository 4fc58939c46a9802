import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { NetworkManagementClient } from "@azure/arm-network";
import { ComputeManagementClient, type VirtualMachine } from "@azure/arm-compute";
import type { VirtualMachineEvent } from "../../src/sandbox/azure/index.js";
import { SANDBOX_ENV, SANDBOX_SUBSCRIPTION_ID } from "../../src/sandbox/constants.js";
import {
  ARM_SCOPE,
  AzureClouds,
  armFetch,
  linuxVmBody,
  restErrorOf,
  sshPublicKeyLine,
  type AzureCloud,
} from "./azure-helpers.js";

/** SSH public keys and virtual machines through @azure/arm-compute, and on the wire. */

const clouds = new AzureClouds();
afterAll(() => clouds.stopAll());

const SUB = SANDBOX_SUBSCRIPTION_ID;
const LOCATION = "westeurope";
const ed25519 = sshPublicKeyLine("ed25519");

interface Clients {
  resources: ResourceManagementClient;
  msi: ManagedServiceIdentityClient;
  network: NetworkManagementClient;
  compute: ComputeManagementClient;
}

function clients(cloud: AzureCloud): Clients {
  const options = { endpoint: cloud.arm, credentials: { scopes: [ARM_SCOPE] } };
  return {
    resources: new ResourceManagementClient(cloud.credential, SUB, options),
    msi: new ManagedServiceIdentityClient(cloud.credential, SUB, {
      endpoint: cloud.arm,
      credentialScopes: [ARM_SCOPE],
    }),
    network: new NetworkManagementClient(cloud.credential, SUB, options),
    compute: new ComputeManagementClient(cloud.credential, SUB, options),
  };
}

/** A group with a VNet/subnet, a public IP and a NIC on them; returns the NIC id. */
async function networkFor(c: Clients, rg: string, nicName = "nic1"): Promise<{ nicId: string; publicIp: string }> {
  await c.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
  await c.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, "vnet", {
    location: LOCATION,
    addressSpace: { addressPrefixes: ["10.1.0.0/16"] },
    subnets: [{ name: "default", addressPrefix: "10.1.0.0/24" }],
  });
  const ip = await c.network.publicIPAddresses.beginCreateOrUpdateAndWait(rg, `${nicName}-ip`, {
    location: LOCATION,
    sku: { name: "Standard" },
    publicIPAllocationMethod: "Static",
  });
  const subnet = `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default`;
  const nic = await c.network.networkInterfaces.beginCreateOrUpdateAndWait(rg, nicName, {
    location: LOCATION,
    ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnet }, publicIPAddress: { id: ip.id! } }],
  });
  return { nicId: nic.id!, publicIp: ip.ipAddress! };
}

/** The VM as it goes on the wire (the SDK's models flatten `properties`). */
function wireBody(vm: VirtualMachine): string {
  return JSON.stringify({
    location: vm.location,
    ...(vm.identity ? { identity: vm.identity } : {}),
    properties: {
      hardwareProfile: vm.hardwareProfile,
      storageProfile: vm.storageProfile,
      osProfile: vm.osProfile,
      networkProfile: {
        networkInterfaces: vm.networkProfile?.networkInterfaces?.map((n) => ({
          id: n.id,
          properties: { primary: n.primary },
        })),
      },
      ...(vm.userData ? { userData: vm.userData } : {}),
    },
  });
}

function linuxVm(nicId: string, extra: Partial<VirtualMachine> = {}): VirtualMachine {
  return linuxVmBody(nicId, { computerName: "bridge-vm", adminUsername: "azureuser", keyData: ed25519 }, extra);
}

describe("Azure sandbox: SSH public keys", () => {
  let c: Clients;

  beforeAll(async () => {
    c = clients(await clouds.start({}));
    await c.resources.resourceGroups.createOrUpdate("rg-keys", { location: LOCATION });
  });

  it("stores ssh-ed25519 and 2048-bit ssh-rsa keys synchronously (201, then 200)", async () => {
    const statuses: number[] = [];
    const onResponse = (raw: { status: number }): void => void statuses.push(raw.status);
    const key = await c.compute.sshPublicKeys.create(
      "rg-keys",
      "key1",
      { location: LOCATION, publicKey: ed25519 },
      { onResponse },
    );
    expect(key).toMatchObject({ name: "key1", location: LOCATION, publicKey: ed25519 });
    const rsa = sshPublicKeyLine("rsa", 2048);
    await c.compute.sshPublicKeys.create("rg-keys", "key1", { location: LOCATION, publicKey: rsa }, { onResponse });
    expect(statuses).toEqual([201, 200]);
    expect((await c.compute.sshPublicKeys.get("rg-keys", "key1")).publicKey).toBe(rsa);
  });

  it("refuses RSA keys under 2048 bits, other key types and damaged key data", async () => {
    for (const publicKey of [
      sshPublicKeyLine("rsa", 1024),
      "ssh-dss AAAAB3NzaC1kc3MAAACBAP",
      `ssh-ed25519 ${Buffer.from("not a key").toString("base64")}`,
    ]) {
      const err = await restErrorOf(
        c.compute.sshPublicKeys.create("rg-keys", "key-bad", { location: LOCATION, publicKey }),
      );
      expect([err.statusCode, err.code]).toEqual([400, "InvalidParameter"]);
    }
  });

  it("deletes a key with 200 and answers 204 once it is gone", async () => {
    const statuses: number[] = [];
    const onResponse = (raw: { status: number }): void => void statuses.push(raw.status);
    await c.compute.sshPublicKeys.delete("rg-keys", "key1", { onResponse });
    await c.compute.sshPublicKeys.delete("rg-keys", "key1", { onResponse });
    expect(statuses).toEqual([200, 204]);
  });
});

describe("Azure sandbox: virtual machines through the SDK (fast profile)", () => {
  let cloud: AzureCloud;
  let c: Clients;
  const events: VirtualMachineEvent[] = [];

  beforeAll(async () => {
    cloud = await clouds.start({});
    c = clients(cloud);
    cloud.azure.onVirtualMachine((event) => events.push(event));
  });

  it("creates a Linux VM with a user-assigned identity: Succeeded, the identity's real ids, no secret echoed", async () => {
    const { nicId, publicIp } = await networkFor(c, "rg-vm");
    const identity = await c.msi.userAssignedIdentities.createOrUpdate("rg-vm", "id-vm", { location: LOCATION });
    const userData = Buffer.from("#!/bin/sh\necho hello\n").toString("base64");
    const bodies: string[] = [];
    const vm = await c.compute.virtualMachines.beginCreateOrUpdateAndWait(
      "rg-vm",
      "vm1",
      linuxVm(nicId, {
        identity: { type: "UserAssigned", userAssignedIdentities: { [identity.id!]: {} } },
        userData,
      }),
      { onResponse: (raw) => void bodies.push(raw.bodyAsText ?? "") },
    );
    expect(vm.provisioningState).toBe("Succeeded");
    expect(vm.vmId).toMatch(/^[0-9a-f-]{36}$/);
    expect(vm.identity?.userAssignedIdentities?.[identity.id!]).toEqual({
      principalId: identity.principalId,
      clientId: identity.clientId,
    });
    expect(vm.osProfile?.adminUsername).toBe("azureuser");
    expect(vm.osProfile?.linuxConfiguration?.disablePasswordAuthentication).toBe(true);
    expect(vm.osProfile?.adminPassword).toBeUndefined();
    // userData comes back only when asked for ($expand=userData).
    expect(vm.userData).toBeUndefined();
    expect((await c.compute.virtualMachines.get("rg-vm", "vm1", { expand: "userData" })).userData).toBe(userData);
    expect(bodies.join("")).toContain('"provisioningState":"Creating"');

    const nic = await c.network.networkInterfaces.get("rg-vm", "nic1");
    expect(nic.virtualMachine?.id).toBe(vm.id);
    expect(nic.macAddress).toMatch(/^00-0D-3A(-[0-9A-F]{2}){3}$/);
    expect(nic.primary).toBe(true);

    const view = await c.compute.virtualMachines.instanceView("rg-vm", "vm1");
    expect(view.statuses?.map((s) => s.code)).toEqual(["ProvisioningState/succeeded", "PowerState/running"]);

    const created = events.find((e) => e.kind === "created" && e.vm.id === vm.id);
    expect(created?.vm).toMatchObject({
      name: "vm1",
      adminUsername: "azureuser",
      sshPublicKeys: [ed25519],
      publicIpAddresses: [publicIp],
      privateIpAddresses: ["10.1.0.4"],
      userAssignedIdentities: [{ id: identity.id, principalId: identity.principalId, clientId: identity.clientId }],
      userData,
    });
    expect(cloud.azure.virtualMachines().map((v) => v.id)).toEqual([vm.id]);
  });

  it("never echoes the admin password of a password-authenticated VM", async () => {
    const { nicId } = await networkFor(c, "rg-pass");
    const password = "Sandbox-Passw0rd!";
    const bodies: string[] = [];
    const vm = await c.compute.virtualMachines.beginCreateOrUpdateAndWait(
      "rg-pass",
      "vm-pass",
      linuxVm(nicId, {
        osProfile: {
          computerName: "vm-pass",
          adminUsername: "operator",
          adminPassword: password,
          linuxConfiguration: { disablePasswordAuthentication: false },
        },
      }),
      { onResponse: (raw) => void bodies.push(raw.bodyAsText ?? "") },
    );
    expect(vm.osProfile?.adminPassword).toBeUndefined();
    const fetched = await armFetch(`${cloud.arm}${vm.id}?api-version=2026-04-01&$expand=instanceView,userData`, {
      token: (await cloud.credential.getToken(ARM_SCOPE)).token,
    });
    expect(JSON.stringify(fetched.body)).not.toContain(password);
    expect(bodies.join("")).not.toContain(password);
  });

  it("refuses reserved admin names, missing identities, bad user data and broken SSH settings with CRP's codes", async () => {
    const { nicId } = await networkFor(c, "rg-bad");
    const put = (vm: VirtualMachine): Promise<unknown> =>
      c.compute.virtualMachines.beginCreateOrUpdateAndWait("rg-bad", "vm-bad", vm);
    // The SDK's RestError does not keep `error.target`: read it on the wire.
    const token = (await cloud.credential.getToken(ARM_SCOPE)).token;
    const targetOf = async (vm: VirtualMachine): Promise<string | undefined> => {
      const url = `${cloud.arm}/subscriptions/${SUB}/resourceGroups/rg-bad/providers/Microsoft.Compute/virtualMachines/vm-bad?api-version=2026-04-01`;
      return (await armFetch(url, { method: "PUT", token, body: wireBody(vm) })).body.error.target;
    };
    const base = linuxVm(nicId);
    const withLinux = (
      linuxConfiguration: NonNullable<NonNullable<VirtualMachine["osProfile"]>["linuxConfiguration"]>,
    ): VirtualMachine => ({
      ...base,
      osProfile: { ...base.osProfile, linuxConfiguration },
    });
    const missingIdentity = `/subscriptions/${SUB}/resourceGroups/rg-bad/providers/Microsoft.ManagedIdentity/userAssignedIdentities/none`;
    const cases: Array<{ vm: VirtualMachine; code: string; target?: string; message?: string | RegExp }> = [
      ...["admin", "root", "administrator", "Guest"].map((adminUsername) => ({
        vm: { ...base, osProfile: { ...base.osProfile, adminUsername } },
        code: "InvalidParameter",
        target: "adminUsername",
        message: "The Admin Username specified is not allowed.",
      })),
      {
        vm: { ...base, identity: { type: "UserAssigned", userAssignedIdentities: { [missingIdentity]: {} } } },
        code: "FailedIdentityOperation",
        message: new RegExp(`Resource '${missingIdentity}' was not found\\.`),
      },
      { vm: { ...base, userData: "not base64!" }, code: "InvalidParameter", target: "userData" },
      {
        vm: withLinux({ disablePasswordAuthentication: true }),
        code: "InvalidParameter",
        target: "linuxConfiguration",
        message: "Authentication using either SSH or by user name and password must be enabled in Linux profile.",
      },
      {
        vm: withLinux({
          disablePasswordAuthentication: true,
          ssh: { publicKeys: [{ path: "/root/.ssh/authorized_keys", keyData: ed25519 }] },
        }),
        code: "InvalidParameter",
        target: "linuxConfiguration.ssh.publicKeys.path",
      },
      {
        vm: withLinux({
          disablePasswordAuthentication: true,
          ssh: {
            publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: sshPublicKeyLine("rsa", 1024) }],
          },
        }),
        code: "InvalidParameter",
        target: "linuxConfiguration.ssh.publicKeys.keyData",
      },
    ];
    for (const { vm, code, target, message } of cases) {
      const err = await restErrorOf(put(vm));
      expect([err.statusCode, err.code]).toEqual([400, code]);
      if (message !== undefined) expect(err.message).toMatch(message);
      if (target !== undefined) expect(await targetOf(vm)).toBe(target);
    }
    const missingNic = await restErrorOf(put(linuxVm(nicId.replace(/nic1$/, "nic-none"))));
    expect(missingNic.code).toBe("InvalidResourceReference");
    // Nothing was created by the refused PUTs.
    expect((await restErrorOf(c.compute.virtualMachines.get("rg-bad", "vm-bad"))).code).toBe("ResourceNotFound");
  });

  it("keeps a NIC attached to a VM from being deleted (NicInUse) or used by a second VM", async () => {
    const inUse = await restErrorOf(c.network.networkInterfaces.beginDeleteAndWait("rg-vm", "nic1"));
    expect([inUse.statusCode, inUse.code]).toEqual([400, "NicInUse"]);
    expect(inUse.message).toMatch(
      /^Network Interface \/subscriptions\/.*\/nic1 is used by existing resource \/subscriptions\/.*\/vm1\./,
    );
    const nicId = (await c.network.networkInterfaces.get("rg-vm", "nic1")).id!;
    const second = await restErrorOf(
      c.compute.virtualMachines.beginCreateOrUpdateAndWait("rg-vm", "vm2", linuxVm(nicId)),
    );
    expect(second.code).toBe("NicInUse");
  });

  it("deletes a VM through the poller, frees its NIC and announces the deletion", async () => {
    const vm = await c.compute.virtualMachines.get("rg-vm", "vm1");
    await c.compute.virtualMachines.beginDeleteAndWait("rg-vm", "vm1");
    expect((await restErrorOf(c.compute.virtualMachines.get("rg-vm", "vm1"))).statusCode).toBe(404);
    const nic = await c.network.networkInterfaces.get("rg-vm", "nic1");
    expect(nic.virtualMachine).toBeUndefined();
    expect(events.filter((e) => e.vm.id === vm.id).map((e) => e.kind)).toEqual(["created", "deleted"]);
    await c.network.networkInterfaces.beginDeleteAndWait("rg-vm", "nic1");
  });

  it("takes a group's VMs and networks with it when the group is deleted", async () => {
    const { nicId } = await networkFor(c, "rg-gone");
    const vm = await c.compute.virtualMachines.beginCreateOrUpdateAndWait("rg-gone", "vm-gone", linuxVm(nicId));
    await c.resources.resourceGroups.delete("rg-gone");
    expect(events.filter((e) => e.vm.id === vm.id).map((e) => e.kind)).toEqual(["created", "deleted"]);
    await c.resources.resourceGroups.createOrUpdate("rg-gone", { location: LOCATION });
    const left = [];
    for await (const r of c.resources.resources.listByResourceGroup("rg-gone")) left.push(r);
    expect(left).toEqual([]);
  });
});

describe("Azure sandbox: VM long-running operations on the wire (realistic profile, shifted clock)", () => {
  let cloud: AzureCloud;
  let c: Clients;
  let token: string;
  let offset = 0;
  let nicId: string;

  beforeAll(async () => {
    cloud = await clouds.start({ [SANDBOX_ENV.profile]: "realistic", [SANDBOX_ENV.latencyScale]: "0.05" }, () => {
      return Date.now() + offset;
    });
    c = clients(cloud);
    token = (await cloud.credential.getToken(ARM_SCOPE)).token;
    // At this scale the network's operations take under a second: the SDK's poller waits them out.
    ({ nicId } = await networkFor(c, "rg-wire"));
  });

  it("answers PUT 201 Creating with a compute status URL whose polls carry startTime, status, name and endTime", async () => {
    const url = `${cloud.arm}/subscriptions/${SUB}/resourceGroups/rg-wire/providers/Microsoft.Compute/virtualMachines/vm-wire?api-version=2026-04-01`;
    const body = JSON.stringify({
      location: LOCATION,
      properties: {
        hardwareProfile: { vmSize: "Standard_B1s" },
        storageProfile: {
          imageReference: { publisher: "Canonical", offer: "o", sku: "22_04-lts-gen2", version: "latest" },
        },
        osProfile: {
          adminUsername: "azureuser",
          linuxConfiguration: {
            disablePasswordAuthentication: true,
            ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: ed25519 }] },
          },
        },
        networkProfile: { networkInterfaces: [{ id: nicId }] },
      },
    });
    const created = await armFetch(url, { method: "PUT", token, body });
    expect(created.status).toBe(201);
    expect(created.body.properties.provisioningState).toBe("Creating");
    const status = created.headers.get("azure-asyncoperation")!;
    expect(status).toMatch(
      /\/providers\/Microsoft\.Compute\/locations\/westeurope\/operations\/[0-9a-f-]{36}\?p=[0-9a-f-]{36}&api-version=2026-04-01$/,
    );
    const running = await armFetch(status, { token });
    expect(running.status).toBe(200);
    expect(Object.keys(running.body).sort()).toEqual(["name", "startTime", "status"]);
    expect(running.body.status).toBe("InProgress");
    expect(Date.parse(running.body.startTime!)).not.toBeNaN();
    const view = await armFetch(url.replace("?", "/instanceView?"), { token });
    expect((view.body as unknown as { statuses: Array<{ code: string }> }).statuses[0]?.code).toBe(
      "ProvisioningState/creating",
    );

    offset += 120_000;
    const done = await armFetch(status, { token });
    expect(done.body.status).toBe("Succeeded");
    expect(Date.parse(done.body.endTime!)).toBeGreaterThan(Date.parse(done.body.startTime!));
    expect((await armFetch(url, { token })).body.properties.provisioningState).toBe("Succeeded");
  });

  it("answers DELETE 202, shows Deleting, refuses a PUT with OperationNotAllowed, then the VM is gone", async () => {
    const url = `${cloud.arm}/subscriptions/${SUB}/resourceGroups/rg-wire/providers/Microsoft.Compute/virtualMachines/vm-wire?api-version=2026-04-01`;
    const current = await armFetch(url, { token });
    const accepted = await armFetch(url, { method: "DELETE", token });
    expect(accepted.status).toBe(202);
    const status = accepted.headers.get("azure-asyncoperation")!;
    expect(accepted.headers.get("location")).toMatch(
      /\/operations\/[0-9a-f-]{36}\?p=[0-9a-f-]{36}&monitor=true&api-version=2026-04-01$/,
    );
    expect((await armFetch(url, { token })).body.properties.provisioningState).toBe("Deleting");
    const again = await armFetch(url, {
      method: "PUT",
      token,
      body: JSON.stringify({ location: LOCATION, properties: current.body.properties }),
    });
    expect([again.status, again.body.error.code]).toEqual([409, "OperationNotAllowed"]);
    expect((await armFetch(status, { token })).body.status).toBe("InProgress");
    expect((await armFetch(accepted.headers.get("location")!, { token })).status).toBe(202);

    offset += 200_000;
    expect((await armFetch(status, { token })).body.status).toBe("Succeeded");
    expect((await armFetch(accepted.headers.get("location")!, { token })).status).toBe(200);
    expect((await armFetch(url, { token })).status).toBe(404);
  });

  it("cancels a VM's creation overtaken by its deletion, with OperationPreempted", async () => {
    const url = `${cloud.arm}/subscriptions/${SUB}/resourceGroups/rg-wire/providers/Microsoft.Compute/virtualMachines/vm-short?api-version=2026-04-01`;
    const vm = linuxVm(nicId);
    const body = JSON.stringify({
      location: LOCATION,
      properties: {
        hardwareProfile: vm.hardwareProfile,
        storageProfile: vm.storageProfile,
        osProfile: vm.osProfile,
        networkProfile: { networkInterfaces: [{ id: nicId }] },
      },
    });
    const created = await armFetch(url, { method: "PUT", token, body });
    expect(created.status).toBe(201);
    expect((await armFetch(url, { method: "DELETE", token })).status).toBe(202);
    const preempted = await armFetch(created.headers.get("azure-asyncoperation")!, { token });
    expect(preempted.body.status).toBe("Canceled");
    expect(preempted.body.error).toEqual({
      code: "OperationPreempted",
      message: "Operation execution has been preempted by a more recent operation.",
    });
    offset += 200_000;
  });
});

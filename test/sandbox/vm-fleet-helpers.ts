import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { ClientSecretCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { NetworkManagementClient } from "@azure/arm-network";
import { ComputeManagementClient, type VirtualMachine } from "@azure/arm-compute";
import { linuxVmBody } from "./azure-helpers.js";
import { NodeSSH } from "node-ssh";
import type { SandboxHandle } from "../../src/sandbox/handle.js";
import { SANDBOX_SUBSCRIPTION_ID } from "../../src/sandbox/constants.js";
import { CLOUD_CONFIG, type KeyPair } from "../helpers/vm-fixture.js";

/** A whole sandbox (launchSandbox) driven by the real Azure SDK packages, and SSH to its VMs. */

const SUB = SANDBOX_SUBSCRIPTION_ID;
const LOCATION = "westeurope";
export const ADMIN = "azureadmin";

export interface Clients {
  resources: ResourceManagementClient;
  msi: ManagedServiceIdentityClient;
  network: NetworkManagementClient;
  compute: ComputeManagementClient;
}

export function clientsFor(handle: SandboxHandle): Clients {
  const credential = new ClientSecretCredential(
    handle.azure.tenantId,
    handle.azure.clientId,
    handle.azure.clientSecret,
    {
      authorityHost: handle.endpoints.entra!,
      disableInstanceDiscovery: true,
    },
  );
  const arm = handle.endpoints.arm!;
  const scopes = ["https://management.azure.com/.default"];
  const options = { endpoint: arm, credentials: { scopes } };
  return {
    resources: new ResourceManagementClient(credential, SUB, options),
    msi: new ManagedServiceIdentityClient(credential, SUB, { endpoint: arm, credentialScopes: scopes }),
    network: new NetworkManagementClient(credential, SUB, options),
    compute: new ComputeManagementClient(credential, SUB, options),
  };
}

export interface BuiltVm {
  readonly vm: VirtualMachine;
  readonly publicIp: string;
  readonly identity: { id: string; clientId: string; principalId: string };
}

/** What the vm layer builds: group, identity, network with an SSH-only NSG, a stored key, the VM. */
export async function buildVm(c: Clients, rg: string, admin: KeyPair): Promise<BuiltVm> {
  await c.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
  const identity = await c.msi.userAssignedIdentities.createOrUpdate(rg, "vm-identity", { location: LOCATION });
  await c.network.virtualNetworks.beginCreateOrUpdateAndWait(rg, "vnet", {
    location: LOCATION,
    addressSpace: { addressPrefixes: ["10.20.0.0/16"] },
  });
  const subnet = await c.network.subnets.beginCreateOrUpdateAndWait(rg, "vnet", "default", {
    addressPrefix: "10.20.1.0/24",
  });
  const ip = await c.network.publicIPAddresses.beginCreateOrUpdateAndWait(rg, "vm-ip", {
    location: LOCATION,
    sku: { name: "Standard" },
    publicIPAllocationMethod: "Static",
  });
  const nsg = await c.network.networkSecurityGroups.beginCreateOrUpdateAndWait(rg, "vm-nsg", {
    location: LOCATION,
    securityRules: [
      {
        name: "ssh-from-admin",
        priority: 100,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefix: "198.51.100.7/32",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "22",
      },
    ],
  });
  const nic = await c.network.networkInterfaces.beginCreateOrUpdateAndWait(rg, "vm-nic", {
    location: LOCATION,
    networkSecurityGroup: { id: nsg.id! },
    ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnet.id! }, publicIPAddress: { id: ip.id! } }],
  });
  const key = await c.compute.sshPublicKeys.create(rg, "vm-key", { location: LOCATION, publicKey: admin.public });
  const vm = await c.compute.virtualMachines.beginCreateOrUpdateAndWait(
    rg,
    "vm1",
    linuxVmBody(
      nic.id!,
      { computerName: "vm1", adminUsername: ADMIN, keyData: key.publicKey!, location: LOCATION },
      {
        identity: { type: "UserAssigned", userAssignedIdentities: { [identity.id!]: {} } },
        userData: Buffer.from(CLOUD_CONFIG).toString("base64"),
      },
    ),
  );
  return {
    vm,
    publicIp: ip.ipAddress!,
    identity: { id: identity.id!, clientId: identity.clientId!, principalId: identity.principalId! },
  };
}

/**
 * An endpoint once it is listed, as the CLI waits for a VM's SSH: the listener opens just after
 * the VM's creation is reported done. Gives up (undefined) after `attempts` looks.
 */
export async function endpointWhen(
  handle: SandboxHandle,
  name: string,
  present: boolean,
  attempts = 250,
): Promise<string | undefined> {
  for (let i = 0; i < attempts; i++) {
    const url = await handle.endpoint(name);
    if ((url !== undefined) === present) return url;
    await sleep(20);
  }
  return handle.endpoint(name);
}

export function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** The error code of a TCP connection attempt, or "connected". */
export function tcpConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** A node-ssh session to the VM behind `ssh@<ip>`; `hostKeys` collects the keys the server showed. */
export async function sshTo(
  url: string,
  username: string,
  privateKey: string,
  hostKeys: string[] = [],
): Promise<NodeSSH> {
  const ssh = new NodeSSH();
  await ssh.connect({
    host: "127.0.0.1",
    port: portOf(url),
    username,
    privateKey,
    readyTimeout: 10_000,
    hostVerifier: (key: Buffer) => {
      hostKeys.push(key.toString("base64"));
      return true;
    },
  });
  return ssh;
}

/**
 * The Azure calls of the vm layer: Microsoft.Network (VNet, subnet, public IP, NSG, NIC) and
 * Microsoft.Compute (SSH public keys, VMs). "Not found" is undefined, never an exception.
 */
import type { Tags } from "./ports.js";

export interface VirtualNetwork {
  readonly id: string;
  readonly addressPrefixes: readonly string[];
  readonly tags: Tags;
}

export interface Subnet {
  readonly id: string;
  readonly addressPrefix: string;
}

export interface PublicIp {
  readonly id: string;
  /** Absent until Azure has allocated it. */
  readonly ipAddress?: string | undefined;
  readonly sku: string;
  readonly allocation: string;
  readonly tags: Tags;
}

export interface SecurityRule {
  readonly name: string;
  readonly priority: number;
  readonly direction: "Inbound" | "Outbound";
  readonly access: "Allow" | "Deny";
  readonly protocol: string;
  readonly sourceAddressPrefixes: readonly string[];
  readonly sourcePortRanges: readonly string[];
  readonly destinationAddressPrefixes: readonly string[];
  readonly destinationPortRanges: readonly string[];
}

export interface SecurityGroup {
  readonly id: string;
  /** The rules someone set (not Azure's default rules). */
  readonly rules: readonly SecurityRule[];
  readonly tags: Tags;
}

export interface NetworkInterface {
  readonly id: string;
  readonly subnetId?: string | undefined;
  readonly publicIpId?: string | undefined;
  readonly nsgId?: string | undefined;
  readonly privateIp?: string | undefined;
  /** The VM using it, if any. */
  readonly vmId?: string | undefined;
  readonly tags: Tags;
}

export interface NicSpec {
  readonly subnetId: string;
  readonly publicIpId: string;
  readonly nsgId: string;
}

/** Microsoft.Network, over @azure/arm-network. Writes wait for their long-running operation. */
export interface NetworkPort {
  getVnet(resourceGroup: string, name: string): Promise<VirtualNetwork | undefined>;
  createVnet(
    resourceGroup: string,
    name: string,
    location: string,
    addressPrefixes: readonly string[],
    tags: Tags,
  ): Promise<VirtualNetwork>;
  getSubnet(resourceGroup: string, vnet: string, name: string): Promise<Subnet | undefined>;
  createSubnet(resourceGroup: string, vnet: string, name: string, addressPrefix: string): Promise<Subnet>;
  getPublicIp(resourceGroup: string, name: string): Promise<PublicIp | undefined>;
  /** Standard SKU, static IPv4. */
  createPublicIp(resourceGroup: string, name: string, location: string, tags: Tags): Promise<PublicIp>;
  getNsg(resourceGroup: string, name: string): Promise<SecurityGroup | undefined>;
  /** Creates or replaces the group with exactly these rules. */
  putNsg(
    resourceGroup: string,
    name: string,
    location: string,
    rules: readonly SecurityRule[],
    tags: Tags,
  ): Promise<SecurityGroup>;
  getNic(resourceGroup: string, name: string): Promise<NetworkInterface | undefined>;
  createNic(
    resourceGroup: string,
    name: string,
    location: string,
    spec: NicSpec,
    tags: Tags,
  ): Promise<NetworkInterface>;
}

export interface SshPublicKey {
  readonly id: string;
  readonly publicKey?: string | undefined;
  readonly tags: Tags;
}

export interface VirtualMachine {
  readonly id: string;
  /** Azure's own unique id of this VM instance. */
  readonly vmId: string;
  readonly provisioningState: string;
  readonly size: string;
  /** publisher:offer:sku:version as asked for. */
  readonly image: string;
  readonly adminUsername: string;
  /** Lower-cased ARM ids of the user-assigned identities. */
  readonly identityIds: readonly string[];
  readonly nicIds: readonly string[];
  readonly sshKeys: readonly string[];
  readonly passwordLogin: boolean;
  readonly tags: Tags;
}

export interface VmSpec {
  readonly location: string;
  readonly size: string;
  readonly image: {
    readonly publisher: string;
    readonly offer: string;
    readonly sku: string;
    readonly version: string;
  };
  readonly adminUsername: string;
  /** `ssh-ed25519 AAAA…` or `ssh-rsa AAAA…`. */
  readonly publicKey: string;
  readonly nicId: string;
  readonly identityId: string;
  /** Base64 cloud-init user data. */
  readonly userData: string;
  readonly tags: Tags;
}

/** Microsoft.Compute, over @azure/arm-compute. VM writes wait for their long-running operation. */
export interface ComputePort {
  getSshKey(resourceGroup: string, name: string): Promise<SshPublicKey | undefined>;
  createSshKey(
    resourceGroup: string,
    name: string,
    location: string,
    publicKey: string,
    tags: Tags,
  ): Promise<SshPublicKey>;
  getVm(resourceGroup: string, name: string): Promise<VirtualMachine | undefined>;
  /** The provisioning state as the instance view reports it (`succeeded`, `creating`, `failed`…). */
  provisioningState(resourceGroup: string, name: string): Promise<string | undefined>;
  createVm(resourceGroup: string, name: string, spec: VmSpec): Promise<VirtualMachine>;
  /** Adds a user-assigned identity to an existing VM, keeping those it has. */
  attachIdentity(resourceGroup: string, name: string, identityId: string): Promise<VirtualMachine>;
}

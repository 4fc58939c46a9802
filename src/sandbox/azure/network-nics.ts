import { randomBytes, randomUUID } from "node:crypto";
import type { SandboxResponse } from "../harness/types.js";
import { fail, ok, type Parsed } from "./arm-body.js";
import { armError } from "./arm-errors.js";
import { resourceTable, type BuildContext } from "./arm-tracked.js";
import type { ArmRequest } from "./arm-types.js";
import {
  cannotParse,
  formatIpv4,
  invalidReference,
  ipConfigId,
  NETWORK_API_VERSIONS,
  NIC_TYPE,
  nicIpConfigs,
  NSG_TYPE,
  objectAt,
  parseCidr,
  parseIpv4,
  PUBLIC_IP_TYPE,
  readRef,
  readStrings,
  resolve,
  SUBNET_TYPE,
  supersededByNewer,
  weakEtag,
  type NicData,
  type NicIpConfig,
} from "./network-common.js";
import type { SubnetData } from "./network-vnets.js";
import type { ArmResourceState, AzureState } from "./state.js";

/**
 * Microsoft.Network/networkInterfaces (fixtures nic-create.json, nic-get-with-nsg.json). Each IP
 * configuration gets a private address from its subnet, lowest free first from `.4` (Azure keeps
 * the first four and the last address of every subnet); references to subnets, public IPs and
 * NSGs must exist in the NIC's region (InvalidResourceReference). Once a VM uses the NIC it shows
 * `virtualMachine`, `macAddress` and `primary`, and cannot be deleted (NicInUse).
 */

interface ConfigInput {
  name: string;
  subnetId: string;
  publicIpId: string | undefined;
  allocation: "Dynamic" | "Static";
  privateIp: string | undefined;
  primary: boolean | undefined;
}

interface NicInput {
  configs: ConfigInput[];
  nsgId: string | undefined;
  enableAcceleratedNetworking: boolean;
  enableIPForwarding: boolean;
  disableTcpStateTracking: boolean | undefined;
  dnsServers: string[];
}

function parseConfigs(raw: unknown, req: ArmRequest): Parsed<ConfigInput[]> {
  if (!Array.isArray(raw) || raw.length === 0) {
    // Invented wording: NRP's text for a NIC without IP configurations was not found.
    return fail(
      armError(
        400,
        "NetworkInterfaceMustHaveIpConfiguration",
        "A network interface needs at least one IP configuration in properties.ipConfigurations.",
        req.operation,
      ),
    );
  }
  const configs: ConfigInput[] = [];
  for (const [i, item] of raw.entries()) {
    const path = `properties.ipConfigurations[${i}]`;
    const config = objectAt(item);
    const p = objectAt(config.properties);
    if (typeof config.name !== "string" || config.name === "")
      return fail(cannotParse(req, `${path}.name`, config.name, "String"));
    const subnetId = readRef(p.subnet);
    if (subnetId === false) return fail(cannotParse(req, `${path}.properties.subnet`, p.subnet, "Subnet"));
    if (subnetId === undefined) {
      // Invented wording; the code is NRP's for a missing subnet reference.
      return fail(
        armError(
          400,
          "IpConfigurationSubnetRequired",
          `IP configuration ${config.name} needs properties.subnet.id.`,
          req.operation,
        ),
      );
    }
    const publicIpId = readRef(p.publicIPAddress);
    if (publicIpId === false)
      return fail(cannotParse(req, `${path}.properties.publicIPAddress`, p.publicIPAddress, "PublicIPAddress"));
    const method = p.privateIPAllocationMethod ?? (p.privateIPAddress ? "Static" : "Dynamic");
    if (method !== "Dynamic" && method !== "Static") {
      return fail(cannotParse(req, `${path}.properties.privateIPAllocationMethod`, method, "IPAllocationMethod"));
    }
    const privateIp = typeof p.privateIPAddress === "string" ? p.privateIPAddress : undefined;
    configs.push({
      name: config.name,
      subnetId,
      publicIpId,
      allocation: method,
      privateIp: method === "Static" ? privateIp : undefined,
      primary: typeof p.primary === "boolean" ? p.primary : undefined,
    });
  }
  return ok(configs);
}

/** Picks or checks each configuration's private address against what the subnet already hands out. */
function placeAddresses(input: NicInput, ctx: BuildContext<NicData>): Parsed<NicIpConfig[]> {
  const nicKey = ctx.id.toLowerCase();
  const taken = new Set(
    nicIpConfigs(ctx.state)
      .filter(({ nic }) => nic.id.toLowerCase() !== nicKey)
      .map(({ config }) => `${config.subnetId.toLowerCase()}|${config.privateIp}`),
  );
  const hasPrimary = input.configs.some((c) => c.primary === true);
  const out: NicIpConfig[] = [];
  for (const [i, config] of input.configs.entries()) {
    const subnet = resolve(ctx.state, config.subnetId, SUBNET_TYPE) as ArmResourceState<SubnetData> | undefined;
    const configId = `${ctx.id}/ipConfigurations/${config.name}`;
    const cidr = subnet ? parseCidr(subnet.data.addressPrefix) : undefined;
    if (!subnet || typeof cidr !== "object") return fail(invalidReference(ctx.req, config.subnetId, ctx.id));
    const vnet = subnet.parentKey ? ctx.state.resources[subnet.parentKey] : undefined;
    if (vnet?.location !== ctx.location) return fail(invalidReference(ctx.req, config.subnetId, ctx.id));
    if (config.publicIpId) {
      const pip = resolve(ctx.state, config.publicIpId, PUBLIC_IP_TYPE);
      if (!pip || pip.location !== ctx.location) return fail(invalidReference(ctx.req, config.publicIpId, ctx.id));
      const holder = nicIpConfigs(ctx.state).find(
        ({ nic, config: c }) =>
          nic.id.toLowerCase() !== nicKey && c.publicIpId?.toLowerCase() === config.publicIpId?.toLowerCase(),
      );
      if (holder) {
        // Invented wording; the code is NRP's.
        return fail(
          armError(
            400,
            "PublicIPAddressInUse",
            `Public IP address ${pip.id} is already used by ${ipConfigId(holder.nic, holder.config)} and cannot also be used by ${configId}.`,
            ctx.req.operation,
            { details: [] },
          ),
        );
      }
    }
    const first = cidr.base + 4;
    const last = cidr.base + cidr.size - 2;
    const used = (address: string): boolean =>
      taken.has(`${subnet.id.toLowerCase()}|${address}`) ||
      out.some((o) => o.subnetId === subnet.id && o.privateIp === address);
    let privateIp: string | undefined;
    if (config.allocation === "Static" && config.privateIp) {
      const address = parseIpv4(config.privateIp);
      if (address === null || address < cidr.base || address >= cidr.base + cidr.size) {
        return fail(
          armError(
            400,
            "PrivateIPAddressNotInSubnet",
            `IP configuration ${configId} references the private IP address ${config.privateIp} which is not in the ` +
              `subnet ${subnet.id} (${subnet.data.addressPrefix}).`,
            ctx.req.operation,
            { details: [] },
          ),
        );
      }
      if (address < first || address > last) {
        return fail(
          armError(
            400,
            "PrivateIPAddressInReservedRange",
            `Private static IP address ${config.privateIp} falls within reserved IP range of subnet prefix ${subnet.data.addressPrefix}.`,
            ctx.req.operation,
            { details: [] },
          ),
        );
      }
      if (used(config.privateIp)) {
        return fail(
          armError(
            400,
            "PrivateIPAddressIsAllocated",
            `IP configuration ${configId} is using the private IP address ${config.privateIp} which is already allocated to another resource.`,
            ctx.req.operation,
            { details: [] },
          ),
        );
      }
      privateIp = config.privateIp;
    } else {
      // An update keeps what the configuration already had in the same subnet.
      const before = ctx.existing?.data.ipConfigurations.find(
        (c) => c.name === config.name && c.subnetId.toLowerCase() === subnet.id.toLowerCase(),
      );
      privateIp = before?.privateIp;
      for (let a = first; privateIp === undefined && a <= last; a += 1) {
        if (!used(formatIpv4(a))) privateIp = formatIpv4(a);
      }
      if (privateIp === undefined) {
        return fail(
          armError(
            400,
            "SubnetIsFull",
            `Subnet ${subnet.name} with address prefix ${subnet.data.addressPrefix} does not have enough capacity for 1 IP addresses.`,
            ctx.req.operation,
            { details: [] },
          ),
        );
      }
    }
    out.push({
      name: config.name,
      subnetId: subnet.id,
      ...(config.publicIpId
        ? { publicIpId: resolve(ctx.state, config.publicIpId, PUBLIC_IP_TYPE)?.id ?? config.publicIpId }
        : {}),
      privateIp,
      allocation: config.allocation,
      primary: config.primary ?? (!hasPrimary && i === 0),
    });
  }
  return ok(out);
}

export const networkInterfacesTable = resourceTable<NicData, NicInput>({
  type: NIC_TYPE,
  apiVersions: NETWORK_API_VERSIONS,
  versionError: "provider",
  scope: "resourceGroup",
  operations: {
    put: "NetworkInterfaces_CreateOrUpdate",
    get: "NetworkInterfaces_Get",
    patch: "NetworkInterfaces_UpdateTags",
    delete: "NetworkInterfaces_Delete",
    listByParent: "NetworkInterfaces_List",
    listBySubscription: "NetworkInterfaces_ListAll",
  },
  lro: { put: "azure-async", delete: "azure-async", pendingState: "Updating", retryAfterSeconds: 10 },
  tracked: true,

  parse: (_name, body, req) => {
    const p = objectAt(body.properties);
    const configs = parseConfigs(p.ipConfigurations, req);
    if (!configs.ok) return configs;
    const nsgId = readRef(p.networkSecurityGroup);
    if (nsgId === false)
      return fail(cannotParse(req, "properties.networkSecurityGroup", p.networkSecurityGroup, "NetworkSecurityGroup"));
    const dns = readStrings(objectAt(p.dnsSettings).dnsServers);
    return ok({
      configs: configs.value,
      nsgId,
      enableAcceleratedNetworking: p.enableAcceleratedNetworking === true,
      enableIPForwarding: p.enableIPForwarding === true,
      disableTcpStateTracking: typeof p.disableTcpStateTracking === "boolean" ? p.disableTcpStateTracking : undefined,
      dnsServers: dns || [],
    });
  },
  build: (input, ctx) => {
    if (input.nsgId) {
      const nsg = resolve(ctx.state, input.nsgId, NSG_TYPE);
      if (!nsg || nsg.location !== ctx.location) return fail(invalidReference(ctx.req, input.nsgId, ctx.id));
    }
    const configs = placeAddresses(input, ctx);
    if (!configs.ok) return configs;
    const existing = ctx.existing?.data;
    return ok({
      resourceGuid: existing?.resourceGuid ?? randomUUID(),
      ipConfigurations: configs.value,
      ...(input.nsgId ? { nsgId: resolve(ctx.state, input.nsgId, NSG_TYPE)?.id ?? input.nsgId } : {}),
      enableAcceleratedNetworking: input.enableAcceleratedNetworking,
      enableIPForwarding: input.enableIPForwarding,
      ...(input.disableTcpStateTracking !== undefined
        ? { disableTcpStateTracking: input.disableTcpStateTracking }
        : {}),
      dnsServers: input.dnsServers,
      ...(existing?.virtualMachineId ? { virtualMachineId: existing.virtualMachineId } : {}),
      ...(existing?.macAddress ? { macAddress: existing.macAddress } : {}),
    });
  },
  view: (nic) => ({
    name: nic.name,
    id: nic.id,
    etag: weakEtag(nic),
    location: nic.location,
    ...(nic.tags ? { tags: nic.tags } : {}),
    properties: {
      provisioningState: nic.provisioningState,
      resourceGuid: nic.data.resourceGuid,
      ipConfigurations: nic.data.ipConfigurations.map((config) => ({
        name: config.name,
        id: ipConfigId(nic, config),
        etag: weakEtag(nic),
        type: `${NIC_TYPE}/ipConfigurations`,
        properties: {
          provisioningState: nic.provisioningState,
          privateIPAddress: config.privateIp,
          privateIPAllocationMethod: config.allocation,
          ...(config.publicIpId ? { publicIPAddress: { id: config.publicIpId } } : {}),
          subnet: { id: config.subnetId },
          primary: config.primary,
          privateIPAddressVersion: "IPv4",
        },
      })),
      dnsSettings: { dnsServers: nic.data.dnsServers, appliedDnsServers: [] },
      ...(nic.data.macAddress ? { macAddress: nic.data.macAddress } : {}),
      enableAcceleratedNetworking: nic.data.enableAcceleratedNetworking,
      ...(nic.data.disableTcpStateTracking !== undefined
        ? { disableTcpStateTracking: nic.data.disableTcpStateTracking }
        : {}),
      enableIPForwarding: nic.data.enableIPForwarding,
      ...(nic.data.nsgId ? { networkSecurityGroup: { id: nic.data.nsgId } } : {}),
      ...(nic.data.virtualMachineId ? { primary: true, virtualMachine: { id: nic.data.virtualMachineId } } : {}),
      vnetEncryptionSupported: false,
    },
    type: NIC_TYPE,
  }),
  refuseDelete: (nic, _state, req) => nicInUse(nic, req),
  preempted: supersededByNewer,
});

function nicInUse(nic: ArmResourceState<NicData>, req: ArmRequest): SandboxResponse | null {
  const vm = nic.data.virtualMachineId;
  if (!vm) return null;
  return armError(
    400,
    "NicInUse",
    `Network Interface ${nic.id} is used by existing resource ${vm}. In order to delete the network interface, it ` +
      "must be dissociated from the resource. To learn more, see aka.ms/deletenic.",
    req.operation,
    { details: [] },
  );
}

/** A VM takes the NIC: it gets the VM's id and a MAC address (Azure's 00-0D-3A prefix). */
export function attachNic(state: AzureState, nicId: string, vmId: string): void {
  const nic = resolve(state, nicId, NIC_TYPE) as ArmResourceState<NicData> | undefined;
  if (!nic) return;
  nic.data.virtualMachineId = vmId;
  nic.data.macAddress ??= `00-0D-3A-${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join("-")}`;
  nic.etag = randomUUID();
}

/** The VM is gone; the NIC stays (its delete option is Detach), free for another VM. */
export function detachNic(state: AzureState, nicId: string, vmId: string): void {
  const nic = resolve(state, nicId, NIC_TYPE) as ArmResourceState<NicData> | undefined;
  if (!nic || nic.data.virtualMachineId?.toLowerCase() !== vmId.toLowerCase()) return;
  delete nic.data.virtualMachineId;
  delete nic.data.macAddress;
  nic.etag = randomUUID();
}

export function findNic(state: AzureState, nicId: string): ArmResourceState<NicData> | undefined {
  return resolve(state, nicId, NIC_TYPE) as ArmResourceState<NicData> | undefined;
}

import type { AzureSettings } from "./settings.js";
import type { NetworkInterface, NetworkPort, PublicIp, SecurityGroup, SecurityRule, Subnet } from "./vm-ports.js";
import { call, findable } from "./arm-call.js";
import { armBasics, LRO_OPTIONS } from "./arm-basics.js";

type Maybe<T> = T | undefined;
const tagsOf = (t: Maybe<Record<string, string>>) => ({ ...(t ?? {}) });

/** Microsoft.Network over @azure/arm-network (imported lazily, here only). */
export async function createNetworkPort(settings: AzureSettings): Promise<NetworkPort> {
  const [{ NetworkManagementClient }, basics] = await Promise.all([import("@azure/arm-network"), armBasics(settings)]);
  const net = new NetworkManagementClient(basics.credential, basics.subscriptionId, basics.clientOptions);

  const toSubnet = (s: {
    id?: Maybe<string>;
    addressPrefix?: Maybe<string>;
    addressPrefixes?: Maybe<string[]>;
  }): Subnet => ({
    id: s.id ?? "",
    addressPrefix: s.addressPrefix ?? s.addressPrefixes?.[0] ?? "",
  });
  const toIp = (ip: {
    id?: Maybe<string>;
    ipAddress?: Maybe<string>;
    sku?: Maybe<{ name?: Maybe<string> }>;
    publicIPAllocationMethod?: Maybe<string>;
    tags?: Maybe<Record<string, string>>;
  }): PublicIp => ({
    id: ip.id ?? "",
    ipAddress: ip.ipAddress,
    sku: ip.sku?.name ?? "",
    allocation: ip.publicIPAllocationMethod ?? "",
    tags: tagsOf(ip.tags),
  });
  const both = (one: Maybe<string>, many: Maybe<string[]>): string[] => (many?.length ? many : one ? [one] : []);
  const toRule = (r: {
    name?: Maybe<string>;
    priority?: Maybe<number>;
    direction?: Maybe<string>;
    access?: Maybe<string>;
    protocol?: Maybe<string>;
    sourceAddressPrefix?: Maybe<string>;
    sourceAddressPrefixes?: Maybe<string[]>;
    sourcePortRange?: Maybe<string>;
    sourcePortRanges?: Maybe<string[]>;
    destinationAddressPrefix?: Maybe<string>;
    destinationAddressPrefixes?: Maybe<string[]>;
    destinationPortRange?: Maybe<string>;
    destinationPortRanges?: Maybe<string[]>;
  }): SecurityRule => ({
    name: r.name ?? "",
    priority: r.priority ?? 0,
    direction: r.direction === "Outbound" ? "Outbound" : "Inbound",
    access: r.access === "Deny" ? "Deny" : "Allow",
    protocol: r.protocol ?? "",
    sourceAddressPrefixes: both(r.sourceAddressPrefix, r.sourceAddressPrefixes),
    sourcePortRanges: both(r.sourcePortRange, r.sourcePortRanges),
    destinationAddressPrefixes: both(r.destinationAddressPrefix, r.destinationAddressPrefixes),
    destinationPortRanges: both(r.destinationPortRange, r.destinationPortRanges),
  });
  // One prefix goes in the singular member, several in the plural one: Azure refuses both at once.
  const one = (values: readonly string[], single: string, plural: string) =>
    values.length === 1 ? { [single]: values[0] } : { [plural]: [...values] };
  const toWireRule = (r: SecurityRule) => ({
    name: r.name,
    priority: r.priority,
    direction: r.direction,
    access: r.access,
    protocol: r.protocol,
    ...one(r.sourceAddressPrefixes, "sourceAddressPrefix", "sourceAddressPrefixes"),
    ...one(r.sourcePortRanges, "sourcePortRange", "sourcePortRanges"),
    ...one(r.destinationAddressPrefixes, "destinationAddressPrefix", "destinationAddressPrefixes"),
    ...one(r.destinationPortRanges, "destinationPortRange", "destinationPortRanges"),
  });
  const toNsg = (g: {
    id?: Maybe<string>;
    securityRules?: Maybe<Parameters<typeof toRule>[0][]>;
    tags?: Maybe<Record<string, string>>;
  }): SecurityGroup => ({
    id: g.id ?? "",
    rules: (g.securityRules ?? []).map(toRule),
    tags: tagsOf(g.tags),
  });
  const toNic = (n: {
    id?: Maybe<string>;
    ipConfigurations?: Maybe<
      Array<{
        primary?: Maybe<boolean>;
        subnet?: Maybe<{ id?: Maybe<string> }>;
        publicIPAddress?: Maybe<{ id?: Maybe<string> }>;
        privateIPAddress?: Maybe<string>;
      }>
    >;
    networkSecurityGroup?: Maybe<{ id?: Maybe<string> }>;
    virtualMachine?: Maybe<{ id?: Maybe<string> }>;
    tags?: Maybe<Record<string, string>>;
  }): NetworkInterface => {
    const configs = n.ipConfigurations ?? [];
    const primary = configs.find((c) => c.primary) ?? configs[0];
    return {
      id: n.id ?? "",
      subnetId: primary?.subnet?.id,
      publicIpId: primary?.publicIPAddress?.id,
      privateIp: primary?.privateIPAddress,
      nsgId: n.networkSecurityGroup?.id,
      vmId: n.virtualMachine?.id,
      tags: tagsOf(n.tags),
    };
  };

  return {
    async getVnet(rg, name) {
      const v = await findable(`ARM get virtual network ${name}`, () => net.virtualNetworks.get(rg, name));
      return v && { id: v.id ?? "", addressPrefixes: v.addressSpace?.addressPrefixes ?? [], tags: tagsOf(v.tags) };
    },
    async createVnet(rg, name, location, addressPrefixes, tags) {
      const v = await call(`ARM create virtual network ${name}`, () =>
        net.virtualNetworks.beginCreateOrUpdateAndWait(
          rg,
          name,
          { location, tags: { ...tags }, addressSpace: { addressPrefixes: [...addressPrefixes] } },
          LRO_OPTIONS,
        ),
      );
      return { id: v.id ?? "", addressPrefixes: v.addressSpace?.addressPrefixes ?? [], tags: tagsOf(v.tags) };
    },
    async getSubnet(rg, vnet, name) {
      const s = await findable(`ARM get subnet ${vnet}/${name}`, () => net.subnets.get(rg, vnet, name));
      return s && toSubnet(s);
    },
    async createSubnet(rg, vnet, name, addressPrefix) {
      return toSubnet(
        await call(`ARM create subnet ${vnet}/${name}`, () =>
          net.subnets.beginCreateOrUpdateAndWait(rg, vnet, name, { addressPrefix }, LRO_OPTIONS),
        ),
      );
    },
    async getPublicIp(rg, name) {
      const ip = await findable(`ARM get public IP ${name}`, () => net.publicIPAddresses.get(rg, name));
      return ip && toIp(ip);
    },
    async createPublicIp(rg, name, location, tags) {
      return toIp(
        await call(`ARM create public IP ${name}`, () =>
          net.publicIPAddresses.beginCreateOrUpdateAndWait(
            rg,
            name,
            {
              location,
              tags: { ...tags },
              sku: { name: "Standard", tier: "Regional" },
              publicIPAllocationMethod: "Static",
              publicIPAddressVersion: "IPv4",
            },
            LRO_OPTIONS,
          ),
        ),
      );
    },
    async getNsg(rg, name) {
      const g = await findable(`ARM get network security group ${name}`, () => net.networkSecurityGroups.get(rg, name));
      return g && toNsg(g);
    },
    async putNsg(rg, name, location, rules, tags) {
      return toNsg(
        await call(`ARM write network security group ${name}`, () =>
          net.networkSecurityGroups.beginCreateOrUpdateAndWait(
            rg,
            name,
            { location, tags: { ...tags }, securityRules: rules.map(toWireRule) },
            LRO_OPTIONS,
          ),
        ),
      );
    },
    async getNic(rg, name) {
      const n = await findable(`ARM get network interface ${name}`, () => net.networkInterfaces.get(rg, name));
      return n && toNic(n);
    },
    async createNic(rg, name, location, spec, tags) {
      return toNic(
        await call(`ARM create network interface ${name}`, () =>
          net.networkInterfaces.beginCreateOrUpdateAndWait(
            rg,
            name,
            {
              location,
              tags: { ...tags },
              networkSecurityGroup: { id: spec.nsgId },
              ipConfigurations: [
                {
                  name: "ipconfig1",
                  primary: true,
                  privateIPAllocationMethod: "Dynamic",
                  subnet: { id: spec.subnetId },
                  publicIPAddress: { id: spec.publicIpId },
                },
              ],
            },
            LRO_OPTIONS,
          ),
        ),
      );
    },
  };
}

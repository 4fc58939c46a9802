import { armDestroyer } from "./arm-resource.js";

/** Microsoft.Network at the api-version @azure/arm-network 39 sends. */
const NETWORK_API = "2026-01-01";

export const vnetDestroyer = armDestroyer({
  kind: "azure-virtual-network",
  apiVersion: NETWORK_API,
  uses: [],
  label: (r) => `virtual network ${r.attributes.name}`,
});

/** A subnet carries no tags of its own; it goes before its VNet (which would take it along). */
export const subnetDestroyer = armDestroyer({
  kind: "azure-subnet",
  apiVersion: NETWORK_API,
  uses: ["azure-virtual-network"],
  tagged: false,
  label: (r) => `subnet ${r.attributes.vnet}/${r.attributes.name}`,
});

export const publicIpDestroyer = armDestroyer({
  kind: "azure-public-ip",
  apiVersion: NETWORK_API,
  uses: [],
  label: (r) => `public IP ${r.attributes.name}`,
});

export const nsgDestroyer = armDestroyer({
  kind: "azure-network-security-group",
  apiVersion: NETWORK_API,
  uses: [],
  label: (r) => `network security group ${r.attributes.name}`,
});

/** Azure refuses to delete a NIC a VM uses, or a subnet, IP or NSG a NIC uses: the NIC goes between. */
export const nicDestroyer = armDestroyer({
  kind: "azure-network-interface",
  apiVersion: NETWORK_API,
  uses: ["azure-subnet", "azure-public-ip", "azure-network-security-group"],
  label: (r) => `network interface ${r.attributes.name}`,
});

import type { Subnet } from "../../cloud/azure/vm-ports.js";
import { later } from "../../engine/known-after-apply.js";
import { armId } from "./arm-ids.js";
import { azureNode } from "./azure-node.js";
import { virtualNetwork } from "./virtual-network.js";

export interface SubnetOutputs {
  readonly id: string;
}

/** The VM's subnet, inside the virtual network's address space. */
export const subnet = azureNode<"azure-subnet", Subnet, SubnetOutputs>({
  id: "subnet",
  kind: "azure-subnet",
  needs: [virtualNetwork.id],
  what: (c) => `subnet ${c.azure.network.vnetName}/${c.azure.network.subnetName}`,
  expectedId: (c) =>
    armId(c, "Microsoft.Network/virtualNetworks/subnets", c.azure.network.vnetName, c.azure.network.subnetName),
  attributes: (c) => ({
    name: c.azure.network.subnetName,
    vnet: c.azure.network.vnetName,
    resourceGroup: c.azure.resourceGroup,
  }),
  async get({ config, ports }) {
    const { network, resourceGroup: rg } = config.azure;
    return (await ports.network()).getSubnet(rg, network.vnetName, network.subnetName);
  },
  async create({ config, ports }) {
    const { network, resourceGroup: rg } = config.azure;
    return (await ports.network()).createSubnet(rg, network.vnetName, network.subnetName, network.subnetPrefix);
  },
  createReason: (c) => `not found; prefix ${c.azure.network.subnetPrefix}`,
  outputs: (found) => ({ id: found.id }),
  pending: () => ({ id: later("subnet id") }),
  differences: (found, c) =>
    found.addressPrefix === c.azure.network.subnetPrefix
      ? []
      : [`prefix ${found.addressPrefix}, the config says ${c.azure.network.subnetPrefix}`],
  fromRecord: (r) => ({ id: r.id }),
});

import type { VirtualNetwork } from "../../cloud/azure/vm-ports.js";
import { later } from "../../engine/known-after-apply.js";
import { resourceGroup } from "../resource-group.js";
import { armId } from "./arm-ids.js";
import { azureNode } from "./azure-node.js";

export interface VnetOutputs {
  readonly id: string;
  readonly name: string;
}

/** The VM's virtual network: private address space from the config. */
export const virtualNetwork = azureNode<"azure-virtual-network", VirtualNetwork, VnetOutputs>({
  id: "virtual-network",
  kind: "azure-virtual-network",
  needs: [resourceGroup.id],
  what: (c) => `virtual network ${c.azure.network.vnetName}`,
  expectedId: (c) => armId(c, "Microsoft.Network/virtualNetworks", c.azure.network.vnetName),
  attributes: (c) => ({ name: c.azure.network.vnetName, resourceGroup: c.azure.resourceGroup }),
  async get({ config, ports }) {
    return (await ports.network()).getVnet(config.azure.resourceGroup, config.azure.network.vnetName);
  },
  async create({ config, ports, tags }) {
    const { network, resourceGroup: rg, location } = config.azure;
    return (await ports.network()).createVnet(rg, network.vnetName, location, [network.addressSpace], tags);
  },
  createReason: (c) => `not found; address space ${c.azure.network.addressSpace}`,
  outputs: (found, c) => ({ id: found.id, name: c.azure.network.vnetName }),
  pending: (c) => ({ id: later("virtual network id"), name: c.azure.network.vnetName }),
  differences: (found, c) =>
    found.addressPrefixes.includes(c.azure.network.addressSpace)
      ? []
      : [`address space ${found.addressPrefixes.join(", ")}, the config says ${c.azure.network.addressSpace}`],
  fromRecord: (r) => ({ id: r.id, name: r.attributes.name }),
});

import type { PublicIp } from "../../cloud/azure/vm-ports.js";
import { later } from "../../engine/known-after-apply.js";
import { resourceGroup } from "../resource-group.js";
import { armId } from "./arm-ids.js";
import { azureNode } from "./azure-node.js";

export interface PublicIpOutputs {
  readonly id: string;
  readonly ipAddress: string;
}

/** The VM's public address: Standard SKU, static, so it stays the same across restarts. */
export const publicIp = azureNode<"azure-public-ip", PublicIp, PublicIpOutputs>({
  id: "public-ip",
  kind: "azure-public-ip",
  needs: [resourceGroup.id],
  what: (c) => `public IP ${c.azure.network.publicIpName}`,
  expectedId: (c) => armId(c, "Microsoft.Network/publicIPAddresses", c.azure.network.publicIpName),
  attributes: (c, found) => ({
    name: c.azure.network.publicIpName,
    resourceGroup: c.azure.resourceGroup,
    ...(found?.ipAddress ? { ipAddress: found.ipAddress } : {}),
  }),
  async get({ config, ports }) {
    return (await ports.network()).getPublicIp(config.azure.resourceGroup, config.azure.network.publicIpName);
  },
  async create({ config, ports, tags }) {
    const { network, resourceGroup: rg, location } = config.azure;
    return (await ports.network()).createPublicIp(rg, network.publicIpName, location, tags);
  },
  createReason: () => "not found; Standard SKU, static IPv4",
  outputs: (found) => ({ id: found.id, ipAddress: found.ipAddress ?? "" }),
  pending: () => ({ id: later("public IP id"), ipAddress: later("public IP address") }),
  differences: (found) => [
    ...(found.sku === "Standard" ? [] : [`SKU ${found.sku}, not Standard`]),
    ...(found.allocation === "Static" ? [] : [`allocation ${found.allocation}, not Static: the address may change`]),
  ],
  fromRecord: (r) => (r.attributes.ipAddress ? { id: r.id, ipAddress: r.attributes.ipAddress } : undefined),
});

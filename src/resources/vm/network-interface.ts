import type { NetworkInterface } from "../../cloud/azure/vm-ports.js";
import { isKnown, later, type Planned } from "../../engine/known-after-apply.js";
import { armId, sameArmId } from "./arm-ids.js";
import { azureNode } from "./azure-node.js";
import { publicIp } from "./public-ip.js";
import { securityGroup } from "./security-group.js";
import { subnet } from "./subnet.js";

export interface NicOutputs {
  readonly id: string;
  readonly privateIp: string;
}

/** The VM's NIC: in the subnet, with the public IP, behind the network security group. */
export const networkInterface = azureNode<"azure-network-interface", NetworkInterface, NicOutputs>({
  id: "network-interface",
  kind: "azure-network-interface",
  needs: [subnet.id, publicIp.id, securityGroup.id],
  what: (c) => `network interface ${c.azure.network.nicName}`,
  expectedId: (c) => armId(c, "Microsoft.Network/networkInterfaces", c.azure.network.nicName),
  attributes: (c, found) => ({
    name: c.azure.network.nicName,
    resourceGroup: c.azure.resourceGroup,
    ...(found?.privateIp ? { privateIp: found.privateIp } : {}),
  }),
  async get({ config, ports }) {
    return (await ports.network()).getNic(config.azure.resourceGroup, config.azure.network.nicName);
  },
  async create({ config, ports, tags, input }) {
    const { network, resourceGroup: rg, location } = config.azure;
    const spec = { subnetId: input(subnet).id, publicIpId: input(publicIp).id, nsgId: input(securityGroup).id };
    return (await ports.network()).createNic(rg, network.nicName, location, spec, tags);
  },
  createReason: () => "not found; subnet, public IP and network security group attached",
  outputs: (found) => ({ id: found.id, privateIp: found.privateIp ?? "" }),
  pending: () => ({ id: later("network interface id"), privateIp: later("private IP") }),
  differences(found, _config, input) {
    const differs = (what: string, actual: string | undefined, wanted: Planned<string>) =>
      isKnown(wanted) && !sameArmId(actual, wanted) ? [`its ${what} is ${actual ?? "none"}, not ${wanted}`] : [];
    return [
      ...differs("subnet", found.subnetId, input(subnet).id),
      ...differs("public IP", found.publicIpId, input(publicIp).id),
      ...differs("network security group", found.nsgId, input(securityGroup).id),
    ];
  },
  fromRecord: (r) => ({ id: r.id, privateIp: r.attributes.privateIp ?? "" }),
});

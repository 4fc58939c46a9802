import type { AnyNode } from "../engine/node.js";
import type { LayerName } from "../state/schema.js";
import { oidcProvider } from "../resources/oidc-provider.js";
import { resourceGroup } from "../resources/resource-group.js";
import { managedIdentity } from "../resources/managed-identity.js";
import { iamRole } from "../resources/iam-role.js";
import { rolePolicies } from "../resources/role-policies.js";
import { ssmParameter } from "../resources/ssm-parameter.js";
import { virtualNetwork } from "../resources/vm/virtual-network.js";
import { subnet } from "../resources/vm/subnet.js";
import { publicIp } from "../resources/vm/public-ip.js";
import { securityGroup } from "../resources/vm/security-group.js";
import { networkInterface } from "../resources/vm/network-interface.js";
import { sshKey } from "../resources/vm/ssh-key.js";
import { virtualMachine } from "../resources/vm/virtual-machine.js";
import { vmReady } from "../resources/vm/vm-ready.js";
import { vmSetup } from "../resources/vm-setup.js";

/** A layer is a named set of nodes; `up` runs the nodes of every layer as one graph. */
export const LAYER_NODES: Readonly<Partial<Record<LayerName, readonly AnyNode[]>>> = {
  trust: [oidcProvider],
  identity: [resourceGroup, managedIdentity, iamRole, rolePolicies, ssmParameter],
  // The network needs only the resource group: in `up` it is built while the IAM role is made.
  vm: [virtualNetwork, subnet, publicIp, securityGroup, networkInterface, sshKey, virtualMachine, vmReady],
  configure: [vmSetup],
};

/** The layers that exist today, in build order. */
export function builtLayers(): LayerName[] {
  return (Object.keys(LAYER_NODES) as LayerName[]).filter((l) => LAYER_NODES[l]?.length);
}

export function nodesOf(layers: readonly LayerName[]): AnyNode[] {
  return layers.flatMap((l) => LAYER_NODES[l] ?? []);
}

export function allNodes(): AnyNode[] {
  return nodesOf(builtLayers());
}

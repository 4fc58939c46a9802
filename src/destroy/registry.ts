import type { RecordKind } from "../state/schema.js";
import type { AnyDestroyer, Destroyer } from "./destroyer.js";
import { providerDestroyer } from "./kinds/oidc-provider.js";
import { roleDestroyer } from "./kinds/iam-role.js";
import { attachmentDestroyer } from "./kinds/role-policy-attachment.js";
import { parameterDestroyer } from "./kinds/ssm-parameter.js";
import { identityDestroyer } from "./kinds/managed-identity.js";
import { groupDestroyer } from "./kinds/resource-group.js";
import { nicDestroyer, nsgDestroyer, publicIpDestroyer, subnetDestroyer, vnetDestroyer } from "./kinds/network.js";
import { sshKeyDestroyer, vmDestroyer } from "./kinds/compute.js";
import { vmSetupDestroyer } from "./kinds/vm-setup.js";

/**
 * One destroyer per record kind. The type makes a new kind in the state schema a compile error
 * here until it has one: nothing `up` records can be missed by `destroy`.
 */
// Each entry's observation type is its own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const DESTROYERS: { readonly [K in RecordKind]: Destroyer<K, any> } = {
  "iam-oidc-provider": providerDestroyer,
  "iam-role": roleDestroyer,
  "iam-role-policy-attachment": attachmentDestroyer,
  "ssm-parameter": parameterDestroyer,
  "azure-user-assigned-identity": identityDestroyer,
  "azure-virtual-network": vnetDestroyer,
  "azure-subnet": subnetDestroyer,
  "azure-public-ip": publicIpDestroyer,
  "azure-network-security-group": nsgDestroyer,
  "azure-network-interface": nicDestroyer,
  "azure-ssh-public-key": sshKeyDestroyer,
  "azure-virtual-machine": vmDestroyer,
  "vm-setup": vmSetupDestroyer,
  "azure-resource-group": groupDestroyer(() => Object.keys(DESTROYERS) as RecordKind[]),
};

export function destroyerOf(kind: RecordKind): AnyDestroyer {
  return DESTROYERS[kind] as AnyDestroyer;
}

/** Whether a resource of kind `user` uses one of kind `used`: then `user` is deleted first. */
export function uses(user: RecordKind, used: RecordKind): boolean {
  const d = destroyerOf(user);
  return d.uses.includes(used) || (used === "azure-resource-group" && d.inResourceGroup);
}

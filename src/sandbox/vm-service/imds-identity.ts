import { createHash } from "node:crypto";
import type { VirtualMachineInfo } from "../azure/index.js";

/**
 * Which of a VM's managed identities an IMDS token request means. As Azure's IMDS: at most one of
 * `client_id`, `object_id`, `msi_res_id`; without one, the system-assigned identity, else the only
 * user-assigned one; several user-assigned and no selector is an error of its own.
 */

export interface VmIdentity {
  readonly clientId: string;
  readonly principalId: string;
  /** `xms_mirid`: the identity's resource id (the VM's own for a system-assigned identity). */
  readonly resourceId: string;
  /** `xms_az_rid`: the VM, for a user-assigned identity only (real tokens have it only then). */
  readonly vmResourceId?: string;
}

export type IdentityChoice = { identity: VmIdentity } | { error: string };

const SELECTORS = ["client_id", "object_id", "msi_res_id"] as const;

export const IDENTITY_NOT_FOUND = "Identity not found";
// The text Azure's IMDS answers (quoted in public issue threads about several identities).
const MULTIPLE_IDENTITIES =
  "Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request";

export function chooseIdentity(vm: VirtualMachineInfo, query: URLSearchParams): IdentityChoice {
  const given = SELECTORS.filter((name) => query.has(name));
  if (given.length > 1) {
    return { error: `Only one of ${SELECTORS.join(", ")} may be given; the request has ${given.join(" and ")}` };
  }
  const userAssigned: VmIdentity[] = vm.userAssignedIdentities.map((u) => ({
    clientId: u.clientId,
    principalId: u.principalId,
    resourceId: armIdInToken(u.id),
    vmResourceId: armIdInToken(vm.id),
  }));
  const systemAssigned: VmIdentity | undefined = vm.systemAssignedPrincipalId
    ? {
        clientId: systemAssignedClientId(vm.systemAssignedPrincipalId),
        principalId: vm.systemAssignedPrincipalId,
        resourceId: armIdInToken(vm.id),
      }
    : undefined;
  const all = systemAssigned ? [systemAssigned, ...userAssigned] : userAssigned;
  const [selector] = given;
  if (selector === undefined) {
    if (systemAssigned) return { identity: systemAssigned };
    const [only] = userAssigned;
    if (only && userAssigned.length === 1) return { identity: only };
    return { error: userAssigned.length > 1 ? MULTIPLE_IDENTITIES : IDENTITY_NOT_FOUND };
  }
  const wanted = (query.get(selector) ?? "").toLowerCase();
  const found = all.find((identity) => {
    if (selector === "client_id") return identity.clientId.toLowerCase() === wanted;
    if (selector === "object_id") return identity.principalId.toLowerCase() === wanted;
    // msi_res_id names user-assigned identities only.
    return identity.vmResourceId !== undefined && identity.resourceId.toLowerCase() === wanted;
  });
  return found ? { identity: found } : { error: IDENTITY_NOT_FOUND };
}

/** ARM ids in managed-identity tokens spell the segment `resourcegroups` (a real token shows it). */
function armIdInToken(id: string): string {
  return id.replace(/\/resourcegroups\//i, "/resourcegroups/");
}

/**
 * A system-assigned identity's client id. ARM does not show it; the sandbox derives a stable one
 * from the principal id, so a VM's system identity keeps its appid across restarts.
 */
function systemAssignedClientId(principalId: string): string {
  const hex = createHash("sha256").update(`system-assigned:${principalId}`).digest("hex");
  const variant = ((parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

import type { Role } from "../../cloud/aws/ports.js";
import type { RecordOf } from "../../state/schema.js";
import {
  ADOPTED_REASON,
  NOT_OURS_REASON,
  deleteStep,
  forgetGone,
  leave,
  stillOurs,
  tagDrift,
  type DestroyStep,
  type Destroyer,
} from "../destroyer.js";

export interface RoleSeen {
  readonly role: Role;
  /** Managed policies attached to it now. */
  readonly attached: readonly string[];
}

const label = (record: RecordOf<"iam-role">): string => `IAM role ${record.attributes.name}`;

/**
 * The IAM role, after its policy attachments. IAM refuses to delete a role with policies
 * attached, so one someone else attached to our role is detached first (it goes with the role).
 */
export const roleDestroyer: Destroyer<"iam-role", RoleSeen> = {
  kind: "iam-role",
  uses: ["iam-oidc-provider", "azure-user-assigned-identity"],
  inResourceGroup: false,
  label,

  async lookup(record, { ports }) {
    const roles = await ports.roles();
    const role = await roles.get(record.attributes.name);
    if (!role || role.arn !== record.id) return undefined;
    return { role, attached: await roles.listAttachedPolicies(role.name) };
  },

  plan(record, seen, { state }) {
    const resource = label(record);
    if (!seen) return [forgetGone(record, resource)];
    if (!record.createdByUs) return [leave(resource, ADOPTED_REASON)];
    if (!stillOurs(record, seen.role.tags, state.deploymentId)) return [leave(resource, NOT_OURS_REASON)];
    const name = record.attributes.name;
    // Ours are detached by their own records' steps, which run before this one.
    const ours = new Set(
      state
        .records("iam-role-policy-attachment")
        .filter((a) => a.createdByUs && a.attributes.roleName === name)
        .map((a) => a.attributes.policyArn),
    );
    const detach: DestroyStep[] = seen.attached
      .filter((arn) => !ours.has(arn))
      .map((arn) => ({
        kind: "delete",
        resource: `policy attachment ${arn}`,
        reason: `attached by someone else to ${name}, which this deployment created: detached so IAM lets the role go`,
        async apply({ ports }) {
          await (await ports.roles()).detachPolicy(name, arn);
          return undefined;
        },
      }));
    return [
      ...detach,
      deleteStep(record, resource, "created by this deployment", async (ports) => (await ports.roles()).delete(name)),
    ];
  },

  drift(record, { role }, state) {
    const policy = JSON.stringify(role.trustPolicy);
    const provider = state.find("iam-oidc-provider");
    const principal = state.find("azure-user-assigned-identity")?.attributes.principalId;
    return [
      ...tagDrift(record, role.tags, state.deploymentId),
      ...(provider && !policy.includes(JSON.stringify(provider.id))
        ? [`trust policy no longer names the provider ${provider.id}`]
        : []),
      ...(principal && !policy.includes(JSON.stringify(principal))
        ? [`trust policy no longer names the identity's principal ${principal}`]
        : []),
    ];
  },
};

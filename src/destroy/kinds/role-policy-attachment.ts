import type { RecordOf } from "../../state/schema.js";
import { ADOPTED_REASON, deleteStep, forgetGone, leave, type Destroyer } from "../destroyer.js";

const label = (record: RecordOf<"iam-role-policy-attachment">): string =>
  `policy attachment ${record.attributes.policyArn} on ${record.attributes.roleName}`;

/** A managed policy we attached to the role: detached before the role goes. */
export const attachmentDestroyer: Destroyer<"iam-role-policy-attachment", true> = {
  kind: "iam-role-policy-attachment",
  uses: ["iam-role"],
  inResourceGroup: false,
  label,

  async lookup(record, { ports }) {
    // Empty when the role is gone: then the attachment is gone too.
    const attached = await (await ports.roles()).listAttachedPolicies(record.attributes.roleName);
    return attached.includes(record.attributes.policyArn) ? true : undefined;
  },

  plan(record, seen) {
    const resource = label(record);
    if (!seen) return [forgetGone(record, resource)];
    if (!record.createdByUs) return [leave(resource, ADOPTED_REASON)];
    const { roleName, policyArn } = record.attributes;
    return [
      deleteStep(record, resource, "attached by this deployment", async (ports) =>
        (await ports.roles()).detachPolicy(roleName, policyArn),
      ),
    ];
  },

  drift: () => [],
};

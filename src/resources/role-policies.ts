import type { ResourceNode, Step } from "../engine/node.js";
import { userError } from "../errors.js";
import { iamRole } from "./iam-role.js";
import { createWithIntent } from "./intent.js";

const KIND = "iam-role-policy-attachment";

export interface AttachmentsObserved {
  /** The managed policies the config lists, as ARNs in the caller's partition. */
  readonly wanted: readonly string[];
  /** What is attached to the role now (nothing when the role does not exist yet). */
  readonly attached: readonly string[];
}

/** Policy names become ARNs in the caller's partition; full ARNs are kept as given. */
export function resolvePolicyArns(names: readonly string[], partition: string): string[] {
  return [...new Set(names.map((n) => (n.startsWith("arn:") ? n : `arn:${partition}:iam::aws:policy/${n}`)))];
}

/**
 * The managed policies attached to the role. Only attachments the state file records as ours are
 * ever detached; one attached by hand is reported and left alone.
 */
export const rolePolicies: ResourceNode<AttachmentsObserved, Record<string, never>> = {
  id: "role-policies",
  layer: "identity",
  needs: [iamRole.id],

  async lookup({ config, ports, facts }) {
    const { partition } = await facts.caller();
    const wanted = resolvePolicyArns(config.aws.managedPolicies, partition);
    const roles = await ports.roles();
    // Every policy is checked by a read now, before anything anywhere is created.
    const exists = await Promise.all(wanted.map((arn) => roles.policyExists(arn)));
    const missing = wanted.filter((_, i) => !exists[i]);
    if (missing.length) {
      throw userError(
        "POLICY_NOT_FOUND",
        `aws.managedPolicies: ${missing.map((arn) => `"${arn}"`).join(", ")} ${missing.length > 1 ? "do" : "does"} not exist`,
        "check the spelling; an AWS managed policy under a path (e.g. service-role/) must be given as its full ARN",
      );
    }
    return { wanted, attached: await roles.listAttachedPolicies(config.aws.roleName) };
  },

  plan({ wanted, attached }, { config, state }) {
    const name = config.aws.roleName;
    const records = state.records(KIND, "identity").filter((r) => r.attributes.roleName === name);
    const recordOf = (arn: string) => records.find((r) => r.attributes.policyArn === arn);
    const steps: Step<Record<string, never>>[] = [];
    const intent = (roleArn: string, policyArn: string) =>
      ({
        kind: KIND,
        layer: "identity",
        node: "role-policies",
        id: `${roleArn}|${policyArn}`,
        attributes: { roleName: name, policyArn },
      }) as const;

    for (const arn of wanted) {
      const resource = `policy attachment ${arn}`;
      const recorded = recordOf(arn);
      if (!attached.includes(arn)) {
        steps.push({
          kind: "create",
          resource,
          reason: `listed in aws.managedPolicies, not attached to ${name}`,
          async apply(ctx) {
            const role = ctx.input(iamRole);
            // AttachRolePolicy carries no tags: without this intent, a crash right after it would
            // make the attachment look like someone else's forever.
            const roles = await ctx.ports.roles();
            await createWithIntent(ctx.store, intent(role.arn, arn), () => roles.attachPolicy(name, arn));
            await ctx.store.put({ ...intent(role.arn, arn), createdByUs: true, status: "ready" });
            return undefined;
          },
        });
      } else if (recorded?.status === "intended") {
        steps.push({
          kind: "adopt",
          resource,
          reason: "attached by an interrupted run of this deployment (its intent was recorded): recorded as ours",
          async apply(ctx) {
            await ctx.store.put({ ...intent(ctx.input(iamRole).arn, arn), createdByUs: true, status: "ready" });
            return undefined;
          },
        });
      } else {
        steps.push({ kind: "unchanged", resource, reason: `attached to ${name}` });
      }
    }
    for (const arn of attached) {
      if (wanted.includes(arn)) continue;
      const resource = `policy attachment ${arn}`;
      const recorded = recordOf(arn);
      if (recorded?.createdByUs) {
        steps.push({
          kind: "delete",
          resource,
          reason: "attached by oidc-bridge earlier, no longer in aws.managedPolicies",
          async apply(ctx) {
            await (await ctx.ports.roles()).detachPolicy(name, arn);
            await ctx.store.forget(KIND, recorded.id);
            return undefined;
          },
        });
      } else {
        steps.push({ kind: "skip", resource, reason: "attached by someone else: left alone" });
      }
    }
    return { steps, outputs: {} };
  },

  fromState: () => ({}),
};

import type { Role } from "../cloud/aws/ports.js";
import type { ApplyContext, ResourceNode, Step } from "../engine/node.js";
import { isKnown, later, show, type PlannedRecord } from "../engine/known-after-apply.js";
import { buildTrustPolicy, policyDifferences } from "../oidc/trust-policy.js";
import { managedIdentity } from "./managed-identity.js";
import { oidcProvider } from "./oidc-provider.js";
import { adoptReason, ownershipOf } from "./tags.js";
import { createWithIntent, recordCreated } from "./intent.js";

const KIND = "iam-role";

export interface RoleOutputs {
  readonly arn: string;
  readonly name: string;
}

/**
 * The IAM role only the VM's identity can assume: `sts:AssumeRoleWithWebIdentity` through our
 * provider, with `sub` = the identity's principal id and `aud` = our audience.
 */
export const iamRole: ResourceNode<Role | undefined, RoleOutputs> = {
  id: "iam-role",
  layer: "identity",
  needs: [oidcProvider.id, managedIdentity.id],

  async lookup({ config, ports }) {
    return (await ports.roles()).get(config.aws.roleName);
  },

  plan(role, { config, state, input }) {
    const provider = input(oidcProvider);
    const identity = input(managedIdentity);
    const name = config.aws.roleName;
    const resource = `IAM role ${name}`;
    const audience = config.oidc.audience;
    const record = (arn: string, createdByUs: boolean) =>
      ({
        kind: KIND,
        layer: "identity",
        node: "iam-role",
        id: arn,
        createdByUs,
        status: "ready",
        attributes: { name },
      }) as const;
    // Built at apply time from what the provider and identity turned out to be.
    const policyNow = (ctx: ApplyContext): Record<string, unknown> => {
      const p = ctx.input(oidcProvider);
      const i = ctx.input(managedIdentity);
      return buildTrustPolicy({
        providerArn: p.providerArn,
        providerUrl: p.providerUrl,
        subject: i.principalId,
        audience,
      });
    };

    if (!role) {
      const outputs: PlannedRecord<RoleOutputs> = { arn: later("role ARN"), name };
      return {
        outputs,
        steps: [
          {
            kind: "create",
            resource,
            reason: `trusting only sub=${show(identity.principalId)} and aud=${audience} via ${show(provider.providerArn)}`,
            async apply(ctx) {
              const { providerArn, partition } = ctx.input(oidcProvider);
              const account = providerArn.split(":")[4] ?? "";
              const roles = await ctx.ports.roles();
              const intent = {
                kind: KIND,
                layer: "identity",
                node: "iam-role",
                id: `arn:${partition}:iam::${account}:role/${name}`,
                attributes: { name },
              } as const;
              const created = await createWithIntent(ctx.store, intent, () =>
                roles.create({
                  name,
                  trustPolicy: policyNow(ctx),
                  maxSessionDuration: config.aws.maxSessionDuration,
                  description: `Assumable only by Azure identity ${ctx.input(managedIdentity).id} (oidc-bridge)`,
                  tags: ctx.tags,
                }),
              );
              await recordCreated(ctx.store, intent.id, record(created.arn, true));
              return { arn: created.arn };
            },
          },
        ],
      };
    }

    const steps: Step<RoleOutputs>[] = [];
    const owner = ownershipOf(state.find(KIND, role.arn), role.tags, state.deploymentId);
    if (owner.how !== "recorded") {
      steps.push({
        kind: "adopt",
        resource,
        reason: adoptReason(owner),
        async apply({ store }) {
          await store.put(record(role.arn, owner.createdByUs));
          return undefined;
        },
      });
    }
    // A new identity has a new principal id: the policy must follow it.
    const differences =
      isKnown(identity.principalId) && isKnown(provider.providerArn) && isKnown(provider.providerUrl)
        ? policyDifferences(
            role.trustPolicy,
            buildTrustPolicy({
              providerArn: provider.providerArn,
              providerUrl: provider.providerUrl,
              subject: identity.principalId,
              audience,
            }),
          )
        : [`sub becomes the new identity's principal id ${show(identity.principalId)}`];
    if (differences.length) {
      steps.push({
        kind: "update",
        resource: `${resource} trust policy`,
        reason: differences.join("; "),
        async apply(ctx) {
          await (await ctx.ports.roles()).updateTrustPolicy(name, policyNow(ctx));
          return undefined;
        },
      });
    }
    if (role.maxSessionDuration !== config.aws.maxSessionDuration) {
      steps.push({
        kind: "update",
        resource: `${resource} max session duration`,
        reason: `is ${role.maxSessionDuration} s, config says ${config.aws.maxSessionDuration} s`,
        async apply({ ports }) {
          await (await ports.roles()).updateMaxSessionDuration(name, config.aws.maxSessionDuration);
          return undefined;
        },
      });
    }
    if (!steps.length)
      steps.push({ kind: "unchanged", resource, reason: "trust policy and session duration as configured" });
    return { outputs: { arn: role.arn, name }, steps };
  },

  fromState(state) {
    const record = state.records(KIND, "identity").find((r) => r.status === "ready");
    return record ? { arn: record.id, name: record.attributes.name } : undefined;
  },
};

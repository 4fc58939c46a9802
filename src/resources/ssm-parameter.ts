import type { Parameter } from "../cloud/aws/ports.js";
import type { ResourceNode, Step } from "../engine/node.js";
import { isKnown, show } from "../engine/known-after-apply.js";
import { iamRole } from "./iam-role.js";
import { adoptReason, ownershipOf } from "./tags.js";
import { createWithIntent } from "./intent.js";

const KIND = "ssm-parameter";

export interface ParameterOutputs {
  readonly name: string;
}

/** The SSM parameter that holds the role ARN, as the write-up's playbook reads it. */
export const ssmParameter: ResourceNode<Parameter | undefined, ParameterOutputs> = {
  id: "ssm-parameter",
  layer: "identity",
  needs: [iamRole.id],

  async lookup({ config, ports }) {
    return (await ports.ssm()).get(config.aws.ssmParameterName);
  },

  plan(parameter, { config, state, input }) {
    const name = config.aws.ssmParameterName;
    const resource = `SSM parameter ${name}`;
    const roleArn = input(iamRole).arn;
    const outputs = { name };
    const recorded = state.find(KIND, name);
    const write = (overwrite: boolean) => async (ctx: Parameters<NonNullable<Step<ParameterOutputs>["apply"]>>[0]) => {
      await (
        await ctx.ports.ssm()
      ).put({
        name,
        value: ctx.input(iamRole).arn,
        overwrite,
        description: "IAM role the Azure VM assumes (oidc-bridge)",
        tags: ctx.tags,
      });
    };
    if (!parameter) {
      return {
        outputs,
        steps: [
          {
            kind: "create",
            resource,
            reason: "holds the role ARN for the VM",
            async apply(ctx) {
              const attributes = { name };
              const intent = { kind: KIND, layer: "identity", node: "ssm-parameter", id: name, attributes } as const;
              await createWithIntent(ctx.store, intent, () => write(false)(ctx));
              await ctx.store.put({
                kind: KIND,
                layer: "identity",
                node: "ssm-parameter",
                id: name,
                createdByUs: true,
                status: "ready",
                attributes,
              });
              return undefined;
            },
          },
        ],
      };
    }
    const steps: Step<ParameterOutputs>[] = [];
    const owner = ownershipOf(recorded, parameter.tags, state.deploymentId);
    const base = recorded?.attributes ?? { name };
    if (owner.how !== "recorded") {
      steps.push({
        kind: "adopt",
        resource,
        reason: adoptReason(owner),
        async apply({ store }) {
          await store.put({
            kind: KIND,
            layer: "identity",
            node: "ssm-parameter",
            id: name,
            createdByUs: owner.createdByUs,
            status: "ready",
            attributes: base,
          });
          return undefined;
        },
      });
    }
    if (!isKnown(roleArn) || parameter.value !== roleArn) {
      // Someone else's value is kept in the record, so `destroy` can put it back.
      const attributes =
        owner.createdByUs || base.previousValue !== undefined ? base : { ...base, previousValue: parameter.value };
      steps.push({
        kind: "update",
        resource,
        reason: `holds ${parameter.value}, should hold ${isKnown(roleArn) ? roleArn : `the new role's ARN ${show(roleArn)}`}`,
        async apply(ctx) {
          if (attributes !== base) {
            await ctx.store.put({
              kind: KIND,
              layer: "identity",
              node: "ssm-parameter",
              id: name,
              createdByUs: owner.createdByUs,
              status: "ready",
              attributes,
            });
          }
          await write(true)(ctx);
          return undefined;
        },
      });
    } else {
      steps.push({ kind: "unchanged", resource, reason: "holds the role ARN" });
    }
    return { outputs, steps };
  },

  fromState(state) {
    const record = state.records(KIND, "identity").find((r) => r.status === "ready");
    return record ? { name: record.id } : undefined;
  },
};

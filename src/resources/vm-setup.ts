import type { ApplyContext, LookupContext, ResourceNode, Step } from "../engine/node.js";
import { isKnown, type Planned } from "../engine/known-after-apply.js";
import type { VmAccess } from "../remote/host-port.js";
import { observeVmSetup, type VmSetupObserved } from "../remote/vm-setup-observe.js";
import {
  planVmSetup,
  RESOURCE_NAMES,
  VM_SETUP_ITEMS,
  type VmSetupChange,
  type VmSetupDesired,
  type VmSetupItem,
} from "../remote/vm-setup-plan.js";
import { userError } from "../errors.js";
import { iamRole } from "./iam-role.js";
import { managedIdentity } from "./managed-identity.js";

const KIND = "vm-setup";

export interface VmSetupLookup {
  /** Undefined when the VM is not recorded yet (it is made in this run). */
  readonly observed: VmSetupObserved | undefined;
  /** The role ARN read from the SSM parameter, with `configure.roleArnFrom: "ssm"`. */
  readonly ssmRoleArn: string | undefined;
}

/**
 * `configure` as one node: the token refresher, its schedule, a fresh token and the AWS profile
 * on the VM. Made from the vm layer's node, whose outputs say how to reach the VM.
 */
export function vmSetupNode(vm: ResourceNode<unknown, VmAccess>): ResourceNode<VmSetupLookup, Record<string, never>> {
  const access = (ctx: LookupContext): VmAccess | undefined => vm.fromState(ctx.state, ctx.config);

  async function roleArnFromSsm(ctx: Pick<LookupContext, "config" | "ports">): Promise<string> {
    const name = ctx.config.aws.ssmParameterName;
    const parameter = await (await ctx.ports.ssm()).get(name);
    if (!parameter)
      throw userError(
        "LAYER_MISSING",
        `configure.roleArnFrom is "ssm", but SSM parameter ${name} does not exist`,
        "run `oidc-bridge identity` first, or take the role ARN from the state file",
      );
    return parameter.value;
  }

  return {
    id: "vm-setup",
    layer: "configure",
    needs: [vm.id, managedIdentity.id, iamRole.id],

    async lookup(ctx) {
      const ssmRoleArn = ctx.config.configure.roleArnFrom === "ssm" ? await roleArnFromSsm(ctx) : undefined;
      const where = access(ctx);
      if (!where) return { observed: undefined, ssmRoleArn };
      const host = await ctx.ports.vmHost(where);
      const observed = await ctx.reporter.step(`read the token set-up on ${host.target}`, () => observeVmSetup(host));
      return { observed, ssmRoleArn };
    },

    plan({ observed, ssmRoleArn }, { config, input }) {
      const identity = input(managedIdentity);
      const role = input(iamRole);
      const roleArn: Planned<string> = ssmRoleArn ?? role.arn;
      const profile = config.configure.awsProfile;
      const desiredNow =
        isKnown(identity.clientId) && isKnown(roleArn) ? desiredFrom(config, identity.clientId, roleArn) : undefined;
      // A VM made in this run, or inputs still to come: each item is worked out against the VM
      // when its step runs, from the outputs known by then.
      if (!observed || !desiredNow) {
        const why = !observed ? "the VM is new in this run" : "its inputs are known after apply";
        return {
          outputs: {},
          steps: VM_SETUP_ITEMS.map((item) => ({
            kind: observed ? "update" : "create",
            resource: RESOURCE_NAMES[item](profile),
            reason: why,
            apply: (ctx: ApplyContext) => applyItem(ctx, item, ssmRoleArn),
          })),
        };
      }
      const changes = planVmSetup(observed, desiredNow);
      return { outputs: {}, steps: changes.map((c) => stepOf(c, ssmRoleArn)) };
    },

    fromState() {
      return {};
    },
  };

  function desiredFrom(config: ApplyContext["config"], clientId: string, roleArn: string): VmSetupDesired {
    return {
      audience: config.oidc.audience,
      clientId,
      roleArn,
      region: config.aws.region,
      profile: config.configure.awsProfile,
      sessionName: config.azure.vm.name,
      now: Math.floor(Date.now() / 1000),
    };
  }

  function stepOf(change: VmSetupChange, ssmRoleArn: string | undefined): Step<Record<string, never>> {
    const base = { kind: change.kind, resource: change.resource, reason: change.reason };
    if (!change.run) return base;
    return { ...base, apply: (ctx) => applyItem(ctx, change.item, ssmRoleArn) };
  }

  async function applyItem(ctx: ApplyContext, item: VmSetupItem, ssmRoleArn: string | undefined): Promise<undefined> {
    const where = ctx.input(vm);
    const host = await ctx.ports.vmHost(where);
    const desired = desiredFrom(ctx.config, ctx.input(managedIdentity).clientId, ssmRoleArn ?? ctx.input(iamRole).arn);
    const observed = await observeVmSetup(host);
    const change = planVmSetup(observed, desired).find((c) => c.item === item);
    const record = {
      kind: KIND,
      layer: "configure",
      node: "vm-setup",
      id: `${where.vmName}/${desired.profile}`,
      attributes: {
        host: host.target,
        profile: desired.profile,
        scheduler: observed.scheduler,
        roleArn: desired.roleArn,
      },
    } as const;
    if (!change?.run) return undefined;
    // Intent first: a crash mid-write leaves a record saying what was being set up where.
    if (!ctx.store.find(KIND, record.id)) await ctx.store.intend(record);
    await change.run(host);
    await ctx.store.put({ ...record, createdByUs: true, status: "ready" });
    return undefined;
  }
}

import type { ApplyContext, LookupContext, ResourceNode, Step } from "../engine/node.js";
import { isKnown, type Planned } from "../engine/known-after-apply.js";
import type { Config } from "../config/schema.js";
import type { VmLogin } from "../remote/host-port.js";
import { loginOf } from "../remote/vm-login.js";
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
import { VM_PATHS } from "../remote/token-refresher.js";
import { iamRole } from "./iam-role.js";
import { managedIdentity } from "./managed-identity.js";
import { publicIp } from "./vm/public-ip.js";
import { sshKey } from "./vm/ssh-key.js";
import { recordedVm, virtualMachine } from "./vm/virtual-machine.js";
import { vmReady } from "./vm/vm-ready.js";

const KIND = "vm-setup";

export interface VmSetupOutputs {
  /** The AWS profile on the VM that assumes the role. */
  readonly profile: string;
  /** Where the token is kept, relative to the admin's home. */
  readonly tokenFile: string;
}

export interface VmSetupLookup {
  /** Undefined when the VM is not recorded as ready yet (it is made in this run). */
  readonly observed: VmSetupObserved | undefined;
  /** The role ARN read from the SSM parameter, with `configure.roleArnFrom: "ssm"`. */
  readonly ssmRoleArn: string | undefined;
}

/**
 * `configure` as one node: the token refresher, its schedule, a fresh token and the AWS profile
 * on the VM, reached with what the vm layer recorded.
 */
export const vmSetup: ResourceNode<VmSetupLookup, VmSetupOutputs> = {
  id: "vm-setup",
  layer: "configure",
  needs: [vmReady.id, virtualMachine.id, publicIp.id, sshKey.id, managedIdentity.id, iamRole.id],

  async lookup(ctx) {
    const ssmRoleArn = ctx.config.configure.roleArnFrom === "ssm" ? await roleArnFromSsm(ctx) : undefined;
    const login = loginOf(recordedVm(ctx.state));
    if (!login) return { observed: undefined, ssmRoleArn };
    const host = await ctx.ports.vmHost(login);
    const observed = await ctx.reporter.step(`read the token set-up on ${host.target}`, () => observeVmSetup(host));
    return { observed, ssmRoleArn };
  },

  plan({ observed, ssmRoleArn }, { config, input }) {
    const identity = input(managedIdentity);
    const roleArn: Planned<string> = ssmRoleArn ?? input(iamRole).arn;
    const desired =
      isKnown(identity.clientId) && isKnown(roleArn) ? desiredFrom(config, identity.clientId, roleArn) : undefined;
    // A VM made in this run, or inputs still to come: each item is worked out against the VM when
    // its step runs, from the outputs known by then.
    if (!observed || !desired) {
      const reason = !observed ? "the VM is new in this run" : "its inputs are known after apply";
      return {
        outputs: outputsOf(config),
        steps: VM_SETUP_ITEMS.map((item) => ({
          kind: observed ? "update" : "create",
          resource: RESOURCE_NAMES[item](config.configure.awsProfile),
          reason,
          apply: (ctx: ApplyContext) => applyItem(ctx, item, ssmRoleArn),
        })),
      };
    }
    return {
      outputs: outputsOf(config),
      steps: planVmSetup(observed, desired).map((c) => stepOf(c, observed, desired)),
    };
  },

  fromState(state, config) {
    return state.records(KIND, "configure").some((r) => r.status === "ready") ? outputsOf(config) : undefined;
  },
};

function outputsOf(config: Config): VmSetupOutputs {
  return { profile: config.configure.awsProfile, tokenFile: `~/${VM_PATHS.tokenFile}` };
}

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

function desiredFrom(config: Config, clientId: string, roleArn: string): VmSetupDesired {
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

/** How the run reaches the VM once the vm layer's nodes are done (in this run or before). */
function loginFrom(ctx: ApplyContext): VmLogin {
  const vm = ctx.input(virtualMachine);
  return {
    vmName: vm.name,
    user: vm.adminUsername,
    address: ctx.input(publicIp).ipAddress,
    keyPath: ctx.input(sshKey).keyPath,
    hostKeyFingerprint: ctx.input(vmReady).hostKeyFingerprint,
  };
}

function stepOf(change: VmSetupChange, observed: VmSetupObserved, desired: VmSetupDesired): Step<VmSetupOutputs> {
  const base = { kind: change.kind, resource: change.resource, reason: change.reason };
  const run = change.run;
  // The printed change itself runs: planned against the VM as it was read for this plan.
  return run ? { ...base, apply: (ctx) => runRecorded(ctx, run, observed, desired) } : base;
}

/**
 * For a VM made in this run, or inputs known only now: the item is planned against the VM as it
 * is when the step runs, and its change (if any) made.
 */
async function applyItem(ctx: ApplyContext, item: VmSetupItem, ssmRoleArn: string | undefined): Promise<undefined> {
  const host = await ctx.ports.vmHost(loginFrom(ctx));
  const desired = desiredFrom(ctx.config, ctx.input(managedIdentity).clientId, ssmRoleArn ?? ctx.input(iamRole).arn);
  const observed = await observeVmSetup(host);
  const run = planVmSetup(observed, desired).find((c) => c.item === item)?.run;
  return run ? runRecorded(ctx, run, observed, desired) : undefined;
}

async function runRecorded(
  ctx: ApplyContext,
  run: NonNullable<VmSetupChange["run"]>,
  observed: VmSetupObserved,
  desired: VmSetupDesired,
): Promise<undefined> {
  const login = loginFrom(ctx);
  const host = await ctx.ports.vmHost(login);
  const record = {
    kind: KIND,
    layer: "configure",
    node: "vm-setup",
    id: `${login.vmName}/${desired.profile}`,
    attributes: {
      host: host.target,
      profile: desired.profile,
      scheduler: observed.scheduler,
      roleArn: desired.roleArn,
    },
  } as const;
  // Intent first: a crash mid-write leaves a record saying what was being set up where.
  if (!ctx.store.find(KIND, record.id)) await ctx.store.intend(record);
  await run(host);
  await ctx.store.put({ ...record, createdByUs: true, status: "ready" });
  return undefined;
}

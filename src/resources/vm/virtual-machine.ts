import type { VirtualMachine } from "../../cloud/azure/vm-ports.js";
import type { Config } from "../../config/schema.js";
import type { ApplyContext, ResourceNode, Step } from "../../engine/node.js";
import { isKnown, later, type PlannedRecord } from "../../engine/known-after-apply.js";
import type { StateView } from "../../state/store.js";
import { createWithIntent, recordCreated, type Intent } from "../intent.js";
import { managedIdentity } from "../managed-identity.js";
import { adoptReason, ownershipOf } from "../tags.js";
import { armId } from "./arm-ids.js";
import { vmLayerRecord } from "./azure-node.js";
import { userDataBase64 } from "./cloud-init.js";
import { networkInterface } from "./network-interface.js";
import { publicIp } from "./public-ip.js";
import { sshKey } from "./ssh-key.js";
import { vmDifferences } from "./vm-differences.js";

const KIND = "azure-virtual-machine";
const ID = "virtual-machine";

export interface VmOutputs {
  readonly id: string;
  readonly vmId: string;
  readonly name: string;
  readonly adminUsername: string;
}

interface Known {
  readonly publicIp: string;
  readonly privateIp: string;
  readonly keyPath: string;
}

function recordOf(config: Config, state: StateView, vm: { id: string; vmId?: string }, known: Known, extra = {}) {
  const previous = state.find(KIND, vm.id)?.attributes;
  return {
    name: config.azure.vm.name,
    resourceGroup: config.azure.resourceGroup,
    adminUsername: config.azure.vm.adminUsername,
    ...(vm.vmId ? { vmId: vm.vmId } : {}),
    publicIp: known.publicIp,
    privateIp: known.privateIp,
    keyPath: known.keyPath,
    // The pin outlives re-recording: only a rebuilt VM starts without one.
    ...(previous?.hostKeyFingerprint && previous.vmId === vm.vmId
      ? { hostKeyFingerprint: previous.hostKeyFingerprint }
      : {}),
    ...(previous?.identityAttached ? { identityAttached: true } : {}),
    ...extra,
  };
}

function knownOf(ctx: ApplyContext): Known {
  return {
    publicIp: ctx.input(publicIp).ipAddress,
    privateIp: ctx.input(networkInterface).privateIp,
    keyPath: ctx.input(sshKey).keyPath,
  };
}

function outputsOf(config: Config, vm: VirtualMachine): VmOutputs {
  return { id: vm.id, vmId: vm.vmId, name: config.azure.vm.name, adminUsername: vm.adminUsername };
}

async function createVm(ctx: ApplyContext): Promise<Partial<VmOutputs>> {
  const { config, store } = ctx;
  const state = store;
  const { vm, resourceGroup: rg, location } = config.azure;
  const known = knownOf(ctx);
  const expectedId = armId(config, "Microsoft.Compute/virtualMachines", vm.name);
  const intent: Intent = {
    kind: KIND,
    layer: "vm",
    node: ID,
    id: expectedId,
    attributes: recordOf(config, state, { id: expectedId }, known),
  };
  const created = await createWithIntent(store, intent, async () =>
    (await ctx.ports.compute()).createVm(rg, vm.name, {
      location,
      size: vm.size,
      image: vm.image,
      adminUsername: vm.adminUsername,
      publicKey: ctx.input(sshKey).publicKey,
      nicId: ctx.input(networkInterface).id,
      identityId: ctx.input(managedIdentity).id,
      userData: userDataBase64(),
      tags: ctx.tags,
    }),
  );
  await recordCreated(
    store,
    expectedId,
    vmLayerRecord(KIND, ID, created.id, true, recordOf(config, state, created, known)),
  );
  return { id: created.id, vmId: created.vmId, adminUsername: created.adminUsername };
}

/**
 * The VM: image, size and admin from the config, our user-assigned identity, key login only,
 * cloud-init installing awscli, curl and jq. An existing VM without our identity gets it; any
 * other difference is reported, never "fixed" by recreating the VM.
 */
export const virtualMachine: ResourceNode<VirtualMachine | undefined, VmOutputs> = {
  id: ID,
  layer: "vm",
  needs: [networkInterface.id, publicIp.id, sshKey.id, managedIdentity.id],

  async lookup({ config, ports }) {
    return (await ports.compute()).getVm(config.azure.resourceGroup, config.azure.vm.name);
  },

  plan(vm, { config, state, input }) {
    const resource = `virtual machine ${config.azure.vm.name}`;
    const identity = input(managedIdentity).id;
    if (!vm) {
      const outputs: PlannedRecord<VmOutputs> = {
        id: later("VM id"),
        vmId: later("VM id"),
        name: config.azure.vm.name,
        adminUsername: config.azure.vm.adminUsername,
      };
      const { size, image, adminUsername } = config.azure.vm;
      return {
        outputs,
        steps: [
          {
            kind: "create",
            resource,
            reason: `not found; ${size}, ${image.publisher}:${image.offer}:${image.sku}:${image.version}, admin ${adminUsername} (key only), identity ${config.azure.identityName}, cloud-init: awscli curl jq`,
            apply: createVm,
          },
        ],
      };
    }
    const outputs = outputsOf(config, vm);
    const owner = ownershipOf(state.find(KIND, vm.id), vm.tags, state.deploymentId);
    const differences = vmDifferences(vm, config, input(sshKey).publicKey, input(networkInterface).id);
    const note = differences.length
      ? `; differs from the config (${differences.join("; ")}): left as is, never rebuilt`
      : "";
    const steps: Step<VmOutputs>[] = [];
    const attach = !isKnown(identity) || !vm.identityIds.includes(identity.toLowerCase());
    const record = async (ctx: ApplyContext, extra = {}) =>
      ctx.store.put(
        vmLayerRecord(KIND, ID, vm.id, owner.createdByUs, recordOf(config, ctx.store, vm, knownOf(ctx), extra)),
      );
    if (owner.how !== "recorded")
      steps.push({
        kind: "adopt",
        resource,
        reason: `${adoptReason(owner)}${note}`,
        apply: async (ctx) => void (await record(ctx)),
      });
    if (attach)
      steps.push({
        kind: "update",
        resource,
        reason: `identity ${config.azure.identityName} is not attached: attach it (the VM is not rebuilt)`,
        async apply(ctx) {
          // Recorded first: a crash after the attach must still leave destroy knowing that our
          // identity sits on someone else's VM.
          if (!owner.createdByUs) await record(ctx, { identityAttached: true });
          await (
            await ctx.ports.compute()
          ).attachIdentity(config.azure.resourceGroup, config.azure.vm.name, ctx.input(managedIdentity).id);
          if (owner.createdByUs) await record(ctx);
          return undefined;
        },
      });
    if (!steps.length) steps.push({ kind: "unchanged", resource, reason: `exists as recorded${note}` });
    return { outputs, steps };
  },

  fromState(state) {
    const vm = recordedVm(state);
    return vm && { id: vm.id, vmId: vm.vmId, name: vm.name, adminUsername: vm.adminUsername };
  },
};

/** The VM as the state file records it: what `ssh`, `configure` and `verify` connect with. */
export interface RecordedVm extends VmOutputs {
  readonly publicIp: string;
  readonly privateIp: string;
  readonly keyPath: string;
  /** Undefined until the VM answered SSH once. */
  readonly hostKeyFingerprint?: string | undefined;
}

export function recordedVm(state: StateView): RecordedVm | undefined {
  const record = state.records(KIND, "vm").find((r) => r.status === "ready");
  const a = record?.attributes;
  if (!record || !a?.vmId || !a.publicIp) return undefined;
  return {
    id: record.id,
    vmId: a.vmId,
    name: a.name,
    publicIp: a.publicIp,
    privateIp: a.privateIp ?? "",
    adminUsername: a.adminUsername,
    keyPath: a.keyPath,
    hostKeyFingerprint: a.hostKeyFingerprint,
  };
}

import { BridgeError } from "../../errors.js";
import type { ApplyContext, ResourceNode } from "../../engine/node.js";
import { isKnown, later } from "../../engine/known-after-apply.js";
import { keyMissing, readKeyFile } from "../../remote/key-file.js";
import { connectSsh, seconds, SshConnectError, sshFailure, type SshHost } from "../../remote/ssh-host.js";
import { networkInterface } from "./network-interface.js";
import { publicIp } from "./public-ip.js";
import { sshKey } from "./ssh-key.js";
import { virtualMachine, type RecordedVm } from "./virtual-machine.js";
import { waitFor } from "./wait.js";

const KIND = "azure-virtual-machine";

export interface ReadyOutputs {
  readonly hostKeyFingerprint: string;
}

const PROVISIONING_POLL_MS = 5_000;
const SSH_RETRY_MS = 3_000;

/** The pin recorded for this VM instance (a rebuilt VM, with a new vmId, has none yet). */
function pinOf(ctx: ApplyContext, vm: RecordedVm): string | undefined {
  const record = ctx.store.find(KIND, vm.id);
  return record?.attributes.vmId === vm.vmId ? record.attributes.hostKeyFingerprint : undefined;
}

async function waitProvisioned(ctx: ApplyContext, vm: RecordedVm): Promise<void> {
  const { resourceGroup: rg, vm: settings } = ctx.config.azure;
  const compute = await ctx.ports.compute();
  const timeoutMs = settings.timeouts.provisioningSeconds * 1000;
  await ctx.reporter.step(`wait for VM ${vm.name} to finish provisioning (up to ${seconds(timeoutMs)})`, () =>
    waitFor(
      {
        what: `VM ${vm.name} to finish provisioning`,
        timeoutMs,
        intervalMs: PROVISIONING_POLL_MS,
        setting: "azure.vm.timeouts.provisioningSeconds",
      },
      async () => {
        const state = (await compute.provisioningState(rg, vm.name))?.toLowerCase();
        if (state === "succeeded") return { done: undefined };
        if (state === "failed")
          throw new BridgeError(`Azure reports the provisioning of VM ${vm.name} as failed`, {
            code: "VM_PROVISIONING_FAILED",
            hint: "see the VM's activity log in the Azure portal; delete the VM and run the command again to make a new one",
          });
        return { notYet: `Azure reports ${state ?? "no provisioning state"}` };
      },
    ),
  );
}

async function waitSsh(ctx: ApplyContext, vm: RecordedVm, pinned: string | undefined): Promise<SshHost> {
  const key = await readKeyFile(vm.keyPath);
  if (!key) throw keyMissing(vm.keyPath);
  const label = `${vm.adminUsername}@${vm.publicIp}`;
  const timeoutMs = ctx.config.azure.vm.timeouts.sshSeconds * 1000;
  return ctx.reporter.step(`wait for SSH on ${label} to answer (up to ${seconds(timeoutMs)})`, () =>
    waitFor(
      {
        what: `SSH on ${label} to answer`,
        timeoutMs,
        intervalMs: SSH_RETRY_MS,
        setting: "azure.vm.timeouts.sshSeconds",
      },
      async () => {
        const address = await ctx.ports.vm.sshAddress(vm.publicIp);
        if (!address) return { notYet: "nothing listens for it yet" };
        const target = {
          ...address,
          username: vm.adminUsername,
          privateKey: key.privateKey,
          hostKeyFingerprint: pinned,
          label,
          connectTimeoutMs: Math.min(20_000, timeoutMs),
        };
        try {
          return { done: await connectSsh(target) };
        } catch (err) {
          if (!(err instanceof SshConnectError)) throw err;
          // A VM still booting refuses or drops connections, and may not know its user yet.
          if (err.reason !== "host-key") return { notYet: err.message };
          throw sshFailure(err, target);
        }
      },
    ),
  );
}

async function waitCloudInit(ctx: ApplyContext, host: SshHost): Promise<void> {
  const timeoutMs = ctx.config.azure.vm.timeouts.cloudInitSeconds * 1000;
  const result = await ctx.reporter.step(
    `wait for cloud-init on ${host.target} to finish (up to ${seconds(timeoutMs)})`,
    () => host.run("cloud-init status --wait", { timeoutMs }),
  );
  const said = result.stdout.trim().split("\n").at(-1) ?? "";
  // cloud-init: 0 done, 2 done with recoverable errors, 1 a critical error.
  if (result.code === 2) ctx.reporter.warn(`cloud-init on ${host.target} finished with recoverable errors: ${said}`);
  else if (result.code !== 0)
    throw new BridgeError(`cloud-init on ${host.target} failed (exit ${String(result.code)}): ${said}`, {
      code: "VM_PROVISIONING_FAILED",
      hint: "see /var/log/cloud-init-output.log on the VM: `oidc-bridge ssh -- sudo tail -50 /var/log/cloud-init-output.log`",
    });
}

/**
 * Waits until the VM can be used: provisioning succeeded, SSH answers, cloud-init is done. The
 * host key is pinned on first contact and recorded; a different key later is refused.
 */
export const vmReady: ResourceNode<undefined, ReadyOutputs> = {
  id: "vm-ready",
  layer: "vm",
  needs: [virtualMachine.id, publicIp.id, networkInterface.id, sshKey.id],

  lookup: () => Promise.resolve(undefined),

  plan(_nothing, { config, state, input }) {
    const vm = input(virtualMachine);
    const resource = `virtual machine ${config.azure.vm.name} (ready)`;
    const record = isKnown(vm.id) ? state.find(KIND, vm.id) : undefined;
    const pinned =
      record?.status === "ready" && isKnown(vm.vmId) && record.attributes.vmId === vm.vmId
        ? record.attributes.hostKeyFingerprint
        : undefined;
    if (pinned)
      return {
        outputs: { hostKeyFingerprint: pinned },
        steps: [
          { kind: "unchanged", resource, reason: `answered SSH and finished cloud-init; host key ${pinned} pinned` },
        ],
      };
    return {
      outputs: { hostKeyFingerprint: later("host key fingerprint") },
      steps: [
        {
          kind: "update",
          resource,
          reason: "wait for provisioning, SSH and cloud-init; pin the SSH host key on first contact",
          async apply(ctx) {
            const ready: RecordedVm = {
              ...ctx.input(virtualMachine),
              publicIp: ctx.input(publicIp).ipAddress,
              privateIp: ctx.input(networkInterface).privateIp,
              keyPath: ctx.input(sshKey).keyPath,
            };
            await waitProvisioned(ctx, ready);
            const host = await waitSsh(ctx, ready, pinOf(ctx, ready));
            try {
              await waitCloudInit(ctx, host);
            } finally {
              await host.close();
            }
            const current = ctx.store.find(KIND, ready.id);
            if (current) {
              const { recordedAt: _at, ...rest } = current;
              await ctx.store.put({
                ...rest,
                attributes: { ...current.attributes, hostKeyFingerprint: host.hostKeyFingerprint },
              });
            }
            return { hostKeyFingerprint: host.hostKeyFingerprint };
          },
        },
      ],
    };
  },

  fromState(state) {
    const fingerprint = state.records(KIND, "vm").find((r) => r.status === "ready")?.attributes.hostKeyFingerprint;
    return fingerprint ? { hostKeyFingerprint: fingerprint } : undefined;
  },
};

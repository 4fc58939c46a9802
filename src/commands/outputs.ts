import { resolve } from "node:path";
import type { CommandContext } from "../context.js";
import { userError } from "../errors.js";
import { readState, stateView } from "../state/store.js";
import { recordedVm } from "../resources/vm/virtual-machine.js";
import { shQuote } from "../remote/shell-quote.js";

export interface OutputsOptions {
  readonly format: "text" | "ansible";
}

/**
 * What a user needs after `up`: how to reach the VM, the role it assumes, its addresses. From the
 * state file only: no lock, no cloud call, so it works in scripts at any time.
 */
export async function outputs(ctx: CommandContext, options: OutputsOptions): Promise<void> {
  const stateDir = resolve(ctx.io.cwd, ctx.globals.stateDir);
  const state = await readState(stateDir, ctx.globals.sandbox ? "sandbox" : "cloud");
  const view = stateView(state);
  const role = view.records("iam-role").find((r) => r.status === "ready");
  const parameter = view.records("ssm-parameter").find((r) => r.status === "ready");
  const provider = view.records("iam-oidc-provider").find((r) => r.status === "ready");
  const vm = recordedVm(view);
  if (!state || (!role && !vm)) {
    throw userError(
      "LAYER_MISSING",
      `no deployment recorded in ${stateDir}`,
      `run \`oidc-bridge up${ctx.globals.sandbox ? " --sandbox" : ""}\` first`,
    );
  }
  const sandbox = ctx.globals.sandbox ? " --sandbox" : "";
  const sshCommand = vm
    ? `ssh -i ${shQuote(vm.keyPath)} -o IdentitiesOnly=yes -o PasswordAuthentication=no ${vm.adminUsername}@${vm.publicIp}`
    : undefined;
  const data = {
    roleArn: role?.id ?? null,
    ssmParameter: parameter?.id ?? null,
    providerArn: provider?.id ?? null,
    vm: vm
      ? {
          name: vm.name,
          publicIp: vm.publicIp,
          privateIp: vm.privateIp,
          adminUsername: vm.adminUsername,
          keyPath: vm.keyPath,
          hostKeyFingerprint: vm.hostKeyFingerprint ?? null,
          ssh: `oidc-bridge${sandbox} ssh`,
          sshCommand,
        }
      : null,
  };
  if (options.format === "ansible") {
    if (!vm) throw userError("LAYER_MISSING", "no VM recorded: nothing to put in an inventory", "run `oidc-bridge vm`");
    ctx.io.stdout(ansibleInventory(vm, role?.id));
    return;
  }
  const lines = [
    `role ARN:        ${data.roleArn ?? "(not created)"}`,
    `SSM parameter:   ${data.ssmParameter ?? "(not created)"}`,
    `OIDC provider:   ${data.providerArn ?? "(not created)"}`,
    ...(vm
      ? [
          `VM:              ${vm.name}, public IP ${vm.publicIp}, private IP ${vm.privateIp}`,
          `SSH:             oidc-bridge${sandbox} ssh   (recorded key, pinned host key)`,
          // A sandbox VM's address is a documentation range, reached only through the sandbox.
          ...(ctx.globals.sandbox ? [] : [`  or:            ${sshCommand ?? ""}`]),
          `host key:        ${vm.hostKeyFingerprint ?? "(not pinned yet)"}`,
        ]
      : [`VM:              (not created; run \`oidc-bridge vm${sandbox}\`)`]),
  ];
  for (const line of lines) ctx.reporter.info(line);
  ctx.reporter.result(`outputs of deployment ${state.deploymentId}`, data);
}

/**
 * An inventory like the write-up's, without its `StrictHostKeyChecking=no`: the host key is the
 * one oidc-bridge pinned, to be confirmed on first connection.
 */
function ansibleInventory(vm: NonNullable<ReturnType<typeof recordedVm>>, roleArn: string | undefined): string {
  const q = (value: string) => JSON.stringify(value);
  return [
    `# oidc-bridge outputs --format ansible`,
    `# host key of ${vm.publicIp}: ${vm.hostKeyFingerprint ?? "(not pinned yet)"}`,
    "oidc:",
    "  hosts:",
    `    ${q(vm.publicIp)}:`,
    `      ansible_host: ${q(vm.publicIp)}`,
    `      ansible_ssh_user: ${q(vm.adminUsername)}`,
    `      ansible_ssh_private_key_file: ${q(vm.keyPath)}`,
    `      ansible_ssh_common_args: "-o PasswordAuthentication=no -o IdentitiesOnly=yes"`,
    ...(roleArn ? [`      role_arn: ${q(roleArn)}`] : []),
    "",
  ].join("\n");
}

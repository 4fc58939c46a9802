import type { CommandContext } from "../context.js";
import { loadRunConfig } from "./cloud-frame.js";
import { openCloudSession } from "../cloud/session.js";
import { userError } from "../errors.js";
import { createCloudPorts } from "../cloud/ports.js";
import { readState, stateView } from "../state/store.js";
import { recordedVm } from "../resources/vm/virtual-machine.js";
import { connectVm, loginOf } from "../remote/vm-login.js";
import { interactiveShell } from "../remote/interactive-shell.js";

export interface SshOptions {
  /** `oidc-bridge ssh -- CMD`: the command's words, joined by spaces as ssh joins them. */
  readonly command: readonly string[];
}

/**
 * `oidc-bridge ssh`: a shell on the VM, or one command, with the recorded key and the pinned host
 * key. Reads the state file without the lock: a long session must not block other commands.
 */
export async function ssh(ctx: CommandContext, options: SshOptions): Promise<void> {
  const { config, stateDir } = await loadRunConfig(ctx);
  const view = stateView(await readState(stateDir, ctx.globals.sandbox ? "sandbox" : "cloud"));
  const vm = recordedVm(view);
  const login = loginOf(vm);
  if (!login)
    throw userError(
      "LAYER_MISSING",
      `no ready VM is recorded in ${stateDir} (${vm ? "its SSH host key was never pinned" : "the vm layer is not in the state file"})`,
      `run \`oidc-bridge vm\`${ctx.globals.sandbox ? " --sandbox" : ""} (or \`oidc-bridge up\`) first`,
    );
  // Quietly: a command's output is the remote command's output only.
  const session = await openCloudSession({
    config,
    sandbox: ctx.globals.sandbox,
    stateDir,
    env: ctx.io.env,
    warn: (message) => ctx.reporter.warn(message),
  });
  try {
    const host = await connectVm(login, createCloudPorts(session).vm);
    try {
      if (options.command.length) {
        const result = await host.run(options.command.join(" "), {
          onStdout: (chunk) => ctx.io.stdout(chunk.toString()),
          onStderr: (chunk) => ctx.io.stderr(chunk.toString()),
        });
        // As ssh: the command's status, 255 when it ended by a signal.
        ctx.exitWith(result.code ?? 255);
      } else {
        if (!ctx.io.terminal)
          throw userError("USAGE", "an interactive shell needs a terminal", "give a command: `oidc-bridge ssh -- CMD`");
        ctx.exitWith(await interactiveShell(host, ctx.io.terminal));
      }
    } finally {
      await host.close();
    }
  } finally {
    await session.close();
  }
}

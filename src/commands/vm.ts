import type { CommandContext } from "../context.js";
import { runGraph } from "./run-graph.js";

export interface VmOptions {
  readonly dryRun: boolean;
  readonly allowAnySource: boolean;
  readonly keyType?: string | undefined;
}

/** The config values the vm layer's flags set (shared by `vm` and `up`). */
export function vmFlags(options: Omit<VmOptions, "dryRun">): { keyType?: string; allowAnySource: boolean } {
  return {
    allowAnySource: options.allowAnySource,
    ...(options.keyType === undefined ? {} : { keyType: options.keyType }),
  };
}

/** `oidc-bridge vm`: the VM and its network, reading the identity layer from the state file. */
export async function vm(ctx: CommandContext, options: VmOptions): Promise<void> {
  await runGraph(ctx, { command: "vm", layers: ["vm"], dryRun: options.dryRun, flags: vmFlags(options) });
}

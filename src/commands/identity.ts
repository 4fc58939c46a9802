import type { CommandContext } from "../context.js";
import { runGraph } from "./run-graph.js";

export interface IdentityOptions {
  readonly dryRun: boolean;
}

/** `oidc-bridge identity`: the identity layer's nodes, reading earlier layers from the state file. */
export async function identity(ctx: CommandContext, options: IdentityOptions): Promise<void> {
  await runGraph(ctx, { command: "identity", layers: ["identity"], dryRun: options.dryRun });
}

import type { CommandContext } from "../context.js";
import { runGraph } from "./run-graph.js";

export interface TrustOptions {
  readonly dryRun: boolean;
}

/** `oidc-bridge trust`: the trust layer's nodes, reading earlier layers from the state file. */
export async function trust(ctx: CommandContext, options: TrustOptions): Promise<void> {
  await runGraph(ctx, { command: "trust", layers: ["trust"], dryRun: options.dryRun });
}

import type { CommandContext } from "../context.js";
import { builtLayers } from "../layers/index.js";
import { runGraph } from "./run-graph.js";
import { vmFlags, type VmOptions } from "./vm.js";

export type UpOptions = VmOptions;

/** `oidc-bridge up`: every layer as one graph, each resource as soon as what it needs exists. */
export async function up(ctx: CommandContext, options: UpOptions): Promise<void> {
  await runGraph(ctx, { command: "up", layers: builtLayers(), dryRun: options.dryRun, flags: vmFlags(options) });
}

import type { CommandContext } from "../context.js";
import { runGraph } from "./run-graph.js";

export interface ConfigureOptions {
  readonly dryRun: boolean;
  /** Take the role ARN from the SSM parameter, as the write-up's playbook does. */
  readonly roleArnFromSsm: boolean;
}

/** `oidc-bridge configure`: the token refresher, its schedule, a token and the AWS profile on the VM. */
export async function configure(ctx: CommandContext, options: ConfigureOptions): Promise<void> {
  await runGraph(ctx, {
    command: "configure",
    layers: ["configure"],
    dryRun: options.dryRun,
    ...(options.roleArnFromSsm ? { flags: { roleArnFrom: "ssm" } } : {}),
  });
}

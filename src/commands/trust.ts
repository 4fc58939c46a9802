import type { CommandContext } from "../context.js";
import { withDeployment } from "./run-layer.js";
import { applyTrust, observeTrust, planTrust, trustDesired } from "../layers/trust.js";
import { createIamPort, createStsPort } from "../cloud/aws/adapters.js";
import { createSignInPort } from "../cloud/azure/adapters.js";

export interface TrustOptions {
  readonly dryRun: boolean;
}

/** `oidc-bridge trust`: AWS IAM trusts the tenant's issuer, for our audience. */
export async function trust(ctx: CommandContext, options: TrustOptions): Promise<void> {
  await withDeployment(ctx, async ({ config, store, session }) => {
    const [iam, sts] = await Promise.all([createIamPort(session.aws), createStsPort(session.aws)]);
    const observed = await observeTrust(
      config,
      session.azure.endpoints.stsHost,
      { iam, sts, signIn: createSignInPort(session.azure) },
      ctx.reporter,
    );
    const desired = trustDesired(config, store);
    const plan = planTrust(observed, desired);
    ctx.reporter.plan({ layer: "trust", actions: plan.actions });
    if (options.dryRun) {
      ctx.reporter.result("trust: dry run, nothing changed", { dryRun: true, actions: plan.actions });
      return;
    }
    const result = await applyTrust(observed, plan, desired, iam, store, ctx.reporter);
    await store.completeLayer("trust", `provider ${result.providerArn}`);
    ctx.reporter.result(`trust: ${result.changed ? "changed" : "unchanged"} (${result.providerArn})`, { ...result });
  });
}

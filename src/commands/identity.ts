import type { CommandContext } from "../context.js";
import { withDeployment } from "./run-layer.js";
import { applyIdentity, identityDesired, observeIdentity, planIdentity, trustOutputs } from "../layers/identity.js";
import { createIamPort, createSsmPort } from "../cloud/aws/adapters.js";
import { createResourcesPort } from "../cloud/azure/adapters.js";

export interface IdentityOptions {
  readonly dryRun: boolean;
}

/** `oidc-bridge identity`: the VM's managed identity and the IAM role only it can assume. */
export async function identity(ctx: CommandContext, options: IdentityOptions): Promise<void> {
  await withDeployment(
    ctx,
    async ({ config, store, session }) => {
      const trust = trustOutputs(store);
      const [azure, iam, ssm] = await Promise.all([
        createResourcesPort(session.azure),
        createIamPort(session.aws),
        createSsmPort(session.aws),
      ]);
      const ports = { azure, iam, ssm };
      const observed = await observeIdentity(config, trust, ports, ctx.reporter);
      const desired = identityDesired(config, store, trust.partition);
      const plan = planIdentity(observed, desired);
      ctx.reporter.plan({ layer: "identity", actions: plan.actions });
      if (options.dryRun) {
        ctx.reporter.result("identity: dry run, nothing changed", { dryRun: true, actions: plan.actions });
        return;
      }
      const result = await applyIdentity(observed, plan, desired, ports, store, ctx.reporter);
      await store.completeLayer("identity", `role ${result.roleArn} for principal ${result.identity.principalId}`);
      ctx.reporter.result(
        `identity: ${result.changed ? "changed" : "unchanged"} (role ${result.roleArn}, principal ${result.identity.principalId})`,
        {
          roleArn: result.roleArn,
          identityId: result.identity.id,
          principalId: result.identity.principalId,
          clientId: result.identity.clientId,
          changed: result.changed,
        },
      );
    },
    (store) => void trustOutputs(store),
  );
}

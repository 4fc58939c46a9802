import type { CommandContext } from "../context.js";
import { userError } from "../errors.js";
import { createCloudPorts } from "../cloud/ports.js";
import { Facts } from "../resources/facts.js";
import { planGraph } from "../engine/plan-graph.js";
import { applyGraph } from "../engine/apply-graph.js";
import type { Action } from "../report/reporter.js";
import { destroyNodes } from "../destroy/destroy-graph.js";
import { localFilesOf, removeLocalFiles } from "../destroy/local-files.js";
import { loadRunConfig, openSession, openStore } from "./cloud-frame.js";
import { GRAPH_CONCURRENCY } from "./run-graph.js";

export interface DestroyOptions {
  readonly dryRun: boolean;
  readonly force: boolean;
}

/**
 * `oidc-bridge destroy`: the recorded resources as one graph in reverse. Ours are deleted, what we
 * changed on adopted ones is taken back, the rest is left and listed with the reason. Every step
 * updates the state file as it happens, so a run that stops is resumed by running it again.
 */
export async function destroy(ctx: CommandContext, options: DestroyOptions): Promise<void> {
  const started = Date.now();
  const { reporter } = ctx;
  // Before the lock and any cloud: a pipe can neither be asked nor left waiting.
  if (!options.dryRun && !ctx.globals.yes && !ctx.io.ask) {
    throw userError(
      "DESTROY_NEEDS_YES",
      "destroy deletes cloud resources and asks before it does, but there is no terminal to ask on",
      "add --yes to confirm without being asked (or --dry-run to see what it would delete)",
    );
  }
  const { config, stateDir } = await loadRunConfig(ctx);
  const store = await openStore(ctx, stateDir);
  try {
    const before = store.state;
    if (!before.resources.length) {
      reporter.result("destroy: nothing recorded, nothing to delete", { changed: false, deleted: [], left: [] });
      return;
    }
    const session = await openSession(ctx, config, stateDir);
    const ports = createCloudPorts(session);
    try {
      const facts = new Facts(config, ports, reporter, { issuerHost: session.azure.endpoints.stsHost });
      const plan = await planGraph(
        destroyNodes(before.resources, options.force),
        new Map(),
        { config, tags: {}, ports, facts, state: store, reporter, stateDir },
        GRAPH_CONCURRENCY,
      );
      const actions: Action[] = plan.nodes.flatMap(({ node, steps }) =>
        steps.map((s) => ({ kind: s.kind, resource: s.resource, reason: s.reason, node: node.id, layer: node.layer })),
      );
      reporter.plan({ layer: "destroy", actions });
      const left = actions.filter((a) => a.kind === "skip").map(({ resource, reason }) => ({ resource, reason }));
      const changes = actions.filter((a) => a.kind === "delete" || a.kind === "update");
      if (options.dryRun) {
        reporter.result(`destroy: dry run, nothing changed (${changes.length} to do, ${left.length} left)`, {
          dryRun: true,
          actions,
          left,
        });
        return;
      }
      if (!ctx.globals.yes && changes.length) await confirm(ctx, changes.length);

      const outcome = await applyGraph(plan, { config, tags: {}, ports, store, reporter, stateDir }, GRAPH_CONCURRENCY);
      // Only once every resource is dealt with: a key must outlive the VM it opens.
      await removeLocalFiles(localFilesOf(before.resources, store), stateDir);
      await store.clearDeployment((r) => r.createdByUs, before);
      reporter.summary({
        command: "destroy",
        changes: outcome.applied.map((a) => ({ ...a.action, node: a.node, layer: a.layer, ms: a.ms })),
        ms: Date.now() - started,
      });
      const done = outcome.applied.filter((a) => a.action.kind === "delete").length;
      const restored = outcome.applied.filter((a) => a.action.kind === "update").length;
      reporter.result(
        `destroy: ${done} deleted, ${restored} adopted resource(s) given back, ${left.length} left${left.length ? ` (${left.map((l) => l.resource).join(", ")})` : ""}`,
        {
          changed: outcome.applied.length > 0,
          deleted: outcome.applied.filter((a) => a.action.kind === "delete").map((a) => a.action.resource),
          restored: outcome.applied.filter((a) => a.action.kind === "update").map((a) => a.action.resource),
          left,
        },
      );
    } finally {
      await ports.close();
      await session.close();
    }
  } finally {
    await store.close();
  }
}

async function confirm(ctx: CommandContext, count: number): Promise<void> {
  const answer = (await ctx.io.ask?.(`Carry out the ${count} change(s) listed above? Type "yes" to confirm: `)) ?? "";
  if (!/^y(es)?$/i.test(answer.trim())) {
    throw userError("DESTROY_CANCELLED", "destroy was not confirmed: nothing was deleted", "answer yes, or add --yes");
  }
}

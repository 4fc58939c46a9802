import type { CommandContext } from "../context.js";
import type { ConfigFlags } from "../config/load-config.js";
import type { LayerName } from "../state/schema.js";
import { loadRunConfig, openSession, openStore } from "./cloud-frame.js";
import { createCloudPorts } from "../cloud/ports.js";
import { Facts } from "../resources/facts.js";
import { ownedTags } from "../resources/tags.js";
import { allNodes, nodesOf } from "../layers/index.js";
import { layerSummary } from "../layers/summary.js";
import { externalInputs, planGraph } from "../engine/plan-graph.js";
import { applyGraph } from "../engine/apply-graph.js";
import type { Action } from "../report/reporter.js";

/** How many nodes run at once: enough for every independent branch of today's graph. */
export const GRAPH_CONCURRENCY = 8;

export interface GraphRunOptions {
  /** The command's name, for the plan and the summary ("trust", "up"). */
  readonly command: string;
  readonly layers: readonly LayerName[];
  readonly dryRun: boolean;
  /** The command's own flags that set config values (`--key-type`, `--allow-any-source`, `--role-arn-from-ssm`). */
  readonly flags?: ConfigFlags;
}

/**
 * The frame of every command that changes the clouds: config validated first, then the state
 * lock, then what earlier layers left (before any cloud is touched), then the clouds. Reads,
 * plans the whole graph, prints the plan, applies exactly it, records each layer.
 */
export async function runGraph(ctx: CommandContext, options: GraphRunOptions): Promise<void> {
  const started = Date.now();
  const { reporter } = ctx;
  const { config, stateDir } = await loadRunConfig(ctx, options.flags);
  const store = await openStore(ctx, stateDir);
  try {
    const selected = nodesOf(options.layers);
    const external = externalInputs(selected, allNodes(), store, config);
    const session = await openSession(ctx, config, stateDir);
    const ports = createCloudPorts(session);
    try {
      const tags = ownedTags(config, store.deploymentId);
      const facts = new Facts(config, ports, reporter, { issuerHost: session.azure.endpoints.stsHost });
      const plan = await planGraph(
        selected,
        external,
        { config, tags, stateDir, ports, facts, state: store, reporter },
        GRAPH_CONCURRENCY,
      );
      const actions: Action[] = plan.nodes.flatMap(({ node, steps }) =>
        steps.map((s) => ({ kind: s.kind, resource: s.resource, reason: s.reason, node: node.id, layer: node.layer })),
      );
      reporter.plan({ layer: options.command, actions });
      if (options.dryRun) {
        reporter.result(`${options.command}: dry run, nothing changed`, { dryRun: true, actions });
        return;
      }
      if (plan.nodes.some((n) => n.steps.some((s) => s.apply))) await store.ensureSaved();
      const outcome = await applyGraph(plan, { config, tags, stateDir, ports, store, reporter }, GRAPH_CONCURRENCY);
      const summaries = options.layers.map((layer) => ({ layer, ...layerSummary(layer, outcome.outputs) }));
      for (const s of summaries) await store.completeLayer(s.layer, s.line);
      const changed = outcome.applied.some((a) => a.action.kind !== "adopt");
      reporter.summary({
        command: options.command,
        changes: outcome.applied.map((a) => ({ ...a.action, node: a.node, layer: a.layer, ms: a.ms })),
        ms: Date.now() - started,
      });
      const detail = summaries.map((s) => (summaries.length > 1 ? `${s.layer}: ${s.line}` : s.line)).join("; ");
      reporter.result(`${options.command}: ${changed ? "changed" : "unchanged"} (${detail})`, {
        changed,
        ...summaries.reduce<Record<string, unknown>>((all, s) => ({ ...all, ...s.data }), {}),
      });
    } finally {
      await ports.close();
      await session.close();
    }
  } finally {
    await store.close();
  }
}

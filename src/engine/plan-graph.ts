import { BridgeError, userError } from "../errors.js";
import type { Config } from "../config/schema.js";
import type { StateView } from "../state/store.js";
import { checkNeeds, topologicalOrder } from "./graph.js";
import { mapLimited } from "./limit.js";
import type { AnyNode, LookupContext, NodeId, ResourceNode, Step } from "./node.js";
import type { PlannedRecord } from "./known-after-apply.js";

export interface PlannedNode {
  readonly node: AnyNode;
  readonly steps: readonly Step<unknown>[];
  readonly outputs: PlannedRecord<Record<string, unknown>>;
}

export interface GraphPlan {
  /** In dependency order. */
  readonly nodes: readonly PlannedNode[];
  /** Outputs of needed nodes outside the selection, read from the state file. */
  readonly external: ReadonlyMap<NodeId, unknown>;
}

/**
 * Outputs of the nodes the selection needs but does not run: earlier layers, as the state file
 * records them. A missing layer is the user's to fix, named with the command that builds it,
 * before any cloud is touched.
 */
export function externalInputs(
  selected: readonly AnyNode[],
  all: readonly AnyNode[],
  state: StateView,
  config: Config,
): Map<NodeId, unknown> {
  checkNeeds(all);
  const inGraph = new Set(selected.map((n) => n.id));
  const external = new Map<NodeId, unknown>();
  const missing = new Map<string, AnyNode>();
  for (const node of selected) {
    for (const need of node.needs) {
      if (inGraph.has(need) || external.has(need)) continue;
      const upstream = all.find((n) => n.id === need) as AnyNode;
      const outputs: unknown = upstream.fromState(state, config);
      if (outputs === undefined) missing.set(upstream.layer, upstream);
      else external.set(need, outputs);
    }
  }
  if (missing.size) {
    const layers = [...missing.keys()];
    throw userError(
      "LAYER_MISSING",
      `the ${layers.join(" and ")} layer${layers.length > 1 ? "s are" : " is"} not in the state file (${[...missing.values()].map((n) => n.id).join(", ")} not recorded)`,
      `run ${layers.map((l) => `\`oidc-bridge ${l}\``).join(" then ")} (or \`oidc-bridge up\`) first`,
    );
  }
  return external;
}

/**
 * Reads every selected node's resources at once (bounded), then plans them in dependency order:
 * a plan is pure, and sees what earlier nodes will produce, known now or after apply.
 */
export async function planGraph(
  selected: readonly AnyNode[],
  external: ReadonlyMap<NodeId, unknown>,
  ctx: LookupContext,
  concurrency: number,
): Promise<GraphPlan> {
  const order = topologicalOrder(selected);
  const observed = await mapLimited(order, concurrency, (node) =>
    ctx.reporter.step(`read ${node.id}`, () => node.lookup(ctx) as Promise<unknown>, {
      node: node.id,
      layer: node.layer,
    }),
  );
  const planned = new Map<NodeId, PlannedRecord<Record<string, unknown>>>();
  const nodes: PlannedNode[] = order.map((node, index) => {
    const needs = new Set(node.needs);
    const plan = node.plan(observed[index], {
      config: ctx.config,
      tags: ctx.tags,
      stateDir: ctx.stateDir,
      state: ctx.state,
      input<O>(upstream: ResourceNode<unknown, O>): PlannedRecord<O> {
        if (!needs.has(upstream.id)) throw undeclared(node.id, upstream.id);
        const value = planned.get(upstream.id) ?? external.get(upstream.id);
        if (value === undefined) throw undeclared(node.id, upstream.id);
        return value as PlannedRecord<O>;
      },
    }) as PlannedNode;
    planned.set(node.id, plan.outputs);
    return { node, steps: plan.steps, outputs: plan.outputs };
  });
  return { nodes, external };
}

export function undeclared(node: NodeId, upstream: NodeId): BridgeError {
  return new BridgeError(`node ${node} reads ${upstream} without declaring it in needs`, {
    code: "INTERNAL",
    fault: "internal",
  });
}

import { planGraph, type GraphPlan } from "../../src/engine/plan-graph.js";
import type { AnyNode, LookupContext, NodeId } from "../../src/engine/node.js";
import type { Action } from "../../src/report/reporter.js";
import { RecordingReporter } from "../../src/report/recording-reporter.js";
import { configSchema, type Config } from "../../src/config/schema.js";
import type { RecordKind, RecordOf, ResourceRecord } from "../../src/state/schema.js";
import type { StateView } from "../../src/state/store.js";
import type { CloudPorts } from "../../src/cloud/ports.js";
import type { Facts } from "../../src/resources/facts.js";

/** A read-only state with these records, as plans see it. */
export function memoryState(deploymentId: string, resources: readonly ResourceRecord[] = []): StateView {
  return {
    deploymentId,
    records: <K extends RecordKind>(kind: K) => resources.filter((r): r is RecordOf<K> => r.kind === kind),
    find: <K extends RecordKind>(kind: K, id?: string) =>
      resources.find(
        (r): r is RecordOf<K> => r.kind === kind && (id === undefined || r.id.toLowerCase() === id.toLowerCase()),
      ),
  };
}

const unreachable = new Proxy({} as CloudPorts, {
  get: () => () => Promise.reject(new Error("a plan test must not call a cloud")),
});

/**
 * Plans real nodes with their lookups replaced by the given observations: the plans and the graph
 * walk are the product's, only the clouds are absent.
 */
export async function planWith(
  nodes: readonly AnyNode[],
  observed: Readonly<Record<NodeId, unknown>>,
  options: { state?: StateView; config?: Config; external?: ReadonlyMap<NodeId, unknown>; stateDir?: string } = {},
): Promise<{ plan: GraphPlan; actions: Action[] }> {
  const config = options.config ?? configSchema.parse({});
  const state = options.state ?? memoryState("ob-1");
  const ctx: LookupContext = {
    config,
    tags: { "managed-by": "oidc-bridge", "oidc-bridge-deployment": state.deploymentId },
    stateDir: options.stateDir ?? "/state",
    ports: unreachable,
    facts: {} as Facts,
    state,
    reporter: new RecordingReporter(),
  };
  const fakes = nodes.map((n) => ({ ...n, lookup: () => Promise.resolve(observed[n.id]) }));
  const plan = await planGraph(fakes, options.external ?? new Map(), ctx, 4);
  const actions = plan.nodes.flatMap(({ node, steps }) =>
    steps.map((s) => ({ kind: s.kind, resource: s.resource, reason: s.reason, node: node.id, layer: node.layer })),
  );
  return { plan, actions };
}

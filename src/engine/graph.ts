import { BridgeError } from "../errors.js";
import type { AnyNode, NodeId } from "./node.js";

/**
 * The selected nodes in an order where every node comes after those it needs. Needs outside the
 * selection are inputs from earlier layers (read from the state file), not edges.
 */
export function topologicalOrder(selected: readonly AnyNode[]): AnyNode[] {
  const byId = new Map(selected.map((n) => [n.id, n]));
  const order: AnyNode[] = [];
  const state = new Map<NodeId, "visiting" | "done">();
  const visit = (node: AnyNode, path: readonly NodeId[]): void => {
    const seen = state.get(node.id);
    if (seen === "done") return;
    if (seen === "visiting") {
      throw new BridgeError(`the resource graph has a cycle: ${[...path, node.id].join(" → ")}`, {
        code: "INTERNAL",
        fault: "internal",
      });
    }
    state.set(node.id, "visiting");
    for (const need of node.needs) {
      const upstream = byId.get(need);
      if (upstream) visit(upstream, [...path, node.id]);
    }
    state.set(node.id, "done");
    order.push(node);
  };
  for (const node of selected) visit(node, []);
  return order;
}

/** Every need names a known node: a typo in a node's `needs` is a bug, caught before any call. */
export function checkNeeds(all: readonly AnyNode[]): void {
  const ids = new Set(all.map((n) => n.id));
  for (const node of all) {
    for (const need of node.needs) {
      if (!ids.has(need)) {
        throw new BridgeError(`node ${node.id} needs unknown node ${need}`, { code: "INTERNAL", fault: "internal" });
      }
    }
  }
}

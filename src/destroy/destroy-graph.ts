import type { AnyNode } from "../engine/node.js";
import type { ResourceRecord } from "../state/schema.js";
import { destroyerOf, uses } from "./registry.js";

/** Node ids are what the user reads ("read IAM role azure-vm"); the record id only when two labels meet. */
function nodeIds(records: readonly ResourceRecord[]): Map<ResourceRecord, string> {
  const labels = records.map((r) => destroyerOf(r.kind).label(r));
  return new Map(
    records.map((r, i) => {
      const label = labels[i] as string;
      return [r, labels.indexOf(label) === labels.lastIndexOf(label) ? label : `${label} (${r.id})`];
    }),
  );
}

/**
 * The recorded resources as engine nodes, one per record, with the edges of `up` reversed: a
 * node waits for every resource that uses it to be gone (or left). The engine then reads them
 * all, plans purely, prints, and runs exactly the printed steps, at most its limit at once.
 */
export function destroyNodes(records: readonly ResourceRecord[], force: boolean): AnyNode[] {
  const ids = nodeIds(records);
  const idOf = (record: ResourceRecord): string => ids.get(record) as string;
  return records.map((record) => {
    const destroyer = destroyerOf(record.kind);
    const needs = records.filter((other) => other !== record && uses(other.kind, record.kind)).map(idOf);
    return {
      id: idOf(record),
      layer: record.layer,
      needs,
      lookup: (ctx) => destroyer.lookup(record, { ports: ctx.ports, state: ctx.state }),
      plan: (observed, ctx) => ({ steps: destroyer.plan(record, observed, { state: ctx.state, force }), outputs: {} }),
      fromState: () => ({}),
    } satisfies AnyNode;
  });
}

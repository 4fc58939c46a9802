import type { CommandContext } from "../context.js";
import { readState } from "../state/store.js";
import { createCloudPorts } from "../cloud/ports.js";
import { mapLimited } from "../engine/limit.js";
import { destroyerOf } from "../destroy/registry.js";
import { stateView } from "../state/store.js";
import { loadRunConfig, openSession } from "./cloud-frame.js";
import { GRAPH_CONCURRENCY } from "./run-graph.js";

/**
 * `status --refresh`: every recorded resource read from the clouds with the same lookups destroy
 * uses, and what is missing or has drifted from the record. Reads only; takes no lock.
 */
export async function statusRefresh(ctx: CommandContext): Promise<void> {
  const { reporter } = ctx;
  const { config, stateDir } = await loadRunConfig(ctx);
  const state = await readState(stateDir, ctx.globals.sandbox ? "sandbox" : "cloud");
  if (!state?.resources.length) {
    reporter.result(`no resources recorded in ${stateDir}; nothing to refresh`, { stateDir, resources: [] });
    return;
  }
  const view = stateView(state);
  const session = await openSession(ctx, config, stateDir);
  const ports = createCloudPorts(session);
  try {
    const resources = await mapLimited(state.resources, GRAPH_CONCURRENCY, async (record) => {
      const destroyer = destroyerOf(record.kind);
      const resource = destroyer.label(record);
      const seen: unknown = await reporter.step(`read ${resource}`, () =>
        destroyer.lookup(record, { ports, state: view, purpose: "refresh" }),
      );
      if (seen === undefined) {
        const why = record.status === "intended" ? "missing (its creation was only intended)" : "missing";
        return { kind: record.kind, id: record.id, resource, status: "missing" as const, drift: [why] };
      }
      const drift = destroyer.drift(record, seen, view);
      return {
        kind: record.kind,
        id: record.id,
        resource,
        status: drift.length ? ("drifted" as const) : ("ok" as const),
        drift,
      };
    });
    for (const r of resources)
      reporter.info(
        `${r.status === "ok" ? "ok" : r.status.toUpperCase()} ${r.resource}${r.drift.length ? `: ${r.drift.join("; ")}` : ""}`,
      );
    const missing = resources.filter((r) => r.status === "missing").length;
    const drifted = resources.filter((r) => r.status === "drifted").length;
    reporter.result(`${resources.length} recorded: ${missing} missing, ${drifted} drifted`, {
      deploymentId: state.deploymentId,
      missing,
      drifted,
      resources,
    });
  } finally {
    await ports.close();
    await session.close();
  }
}

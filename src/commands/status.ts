import { resolve } from "node:path";
import { readState } from "../state/store.js";
import { LAYERS } from "../state/schema.js";
import type { CommandContext } from "../context.js";

/** What the state file records, per layer. Reads no cloud and takes no lock. */
export async function status(ctx: CommandContext): Promise<void> {
  const dir = resolve(ctx.io.cwd, ctx.globals.stateDir);
  const state = await readState(dir, ctx.globals.sandbox ? "sandbox" : undefined);
  if (!state) {
    ctx.reporter.result(
      `no deployment recorded in ${dir}; run \`oidc-bridge up\`${ctx.globals.sandbox ? " --sandbox" : ""} to create one`,
      { stateDir: dir, layers: {} },
    );
    return;
  }
  ctx.reporter.info(
    `deployment ${state.deploymentId} (${state.target === "sandbox" ? "sandbox" : "real clouds"}), state ${dir}/state.json, updated ${state.updatedAt}`,
  );
  const layers: Record<string, unknown> = {};
  for (const layer of LAYERS) {
    const resources = state.resources.filter((r) => r.layer === layer);
    const done = state.layers[layer];
    layers[layer] = { completedAt: done?.completedAt ?? null, resources };
    ctx.reporter.info(
      `${layer}: ${done ? `done ${done.completedAt} (${done.summary})` : resources.length ? "started, not finished" : "not created"}`,
    );
    for (const r of resources) {
      const notes = [
        ...(r.status === "intended" ? ["being created when a run stopped: the next run checks it"] : []),
        ...(r.createdByUs ? [] : ["adopted: left alone by destroy"]),
      ];
      ctx.reporter.info(`  ${r.kind} ${r.id}${notes.length ? ` (${notes.join("; ")})` : ""}`);
    }
  }
  ctx.reporter.result(`${state.resources.length} resource(s) recorded`, {
    stateDir: dir,
    deploymentId: state.deploymentId,
    target: state.target,
    layers,
  });
}

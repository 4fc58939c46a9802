import { BridgeError, isBridgeError } from "../errors.js";
import type { Action, Reporter } from "../report/reporter.js";
import type { StateStore } from "../state/store.js";
import type { CloudPorts } from "../cloud/ports.js";
import type { Config } from "../config/schema.js";
import { isKnown } from "./known-after-apply.js";
import type { ApplyContext, NodeId, ResourceNode } from "./node.js";
import { undeclared, type GraphPlan, type PlannedNode } from "./plan-graph.js";

export interface ApplyBase {
  readonly config: Config;
  readonly tags: Readonly<Record<string, string>>;
  readonly stateDir: string;
  readonly ports: CloudPorts;
  readonly store: StateStore;
  readonly reporter: Reporter;
}

export interface AppliedStep {
  readonly node: NodeId;
  readonly layer: string;
  readonly action: Action;
  readonly ms: number;
}

export interface ApplyOutcome {
  /** Outputs of every node, all known. */
  readonly outputs: ReadonlyMap<NodeId, Record<string, unknown>>;
  /** The steps that changed something, in the order they finished. */
  readonly applied: readonly AppliedStep[];
}

/**
 * Runs the plan: each node starts as soon as every node it needs is done, at most `concurrency`
 * at a time, and runs exactly its planned steps in order. After a failure nothing new starts;
 * running nodes finish their current step (and record it), and every failure is reported.
 */
export async function applyGraph(plan: GraphPlan, base: ApplyBase, concurrency: number): Promise<ApplyOutcome> {
  const outputs = new Map<NodeId, Record<string, unknown>>();
  for (const [id, value] of plan.external) outputs.set(id, value as Record<string, unknown>);
  const applied: AppliedStep[] = [];
  const failures: Array<{ node: NodeId; error: unknown }> = [];
  const waiting = new Set(plan.nodes);
  const running = new Set<Promise<void>>();
  const halt = { failed: false };

  const ready = (p: PlannedNode): boolean => p.node.needs.every((need) => outputs.has(need));
  const start = (p: PlannedNode): void => {
    waiting.delete(p);
    const task = runNode(p, base, outputs, applied, halt)
      .then((result) => void (result && outputs.set(p.node.id, result)))
      .catch((error: unknown) => {
        halt.failed = true;
        failures.push({ node: p.node.id, error });
      })
      .finally(() => running.delete(task));
    running.add(task);
  };

  while (waiting.size || running.size) {
    if (!failures.length) {
      for (const p of [...waiting]) {
        if (running.size >= concurrency) break;
        if (ready(p)) start(p);
      }
    }
    if (!running.size) break;
    await Promise.race(running);
  }

  if (failures.length)
    throw combine(
      failures,
      [...waiting].map((p) => p.node.id),
    );
  return { outputs, applied };
}

async function runNode(
  p: PlannedNode,
  base: ApplyBase,
  outputs: ReadonlyMap<NodeId, Record<string, unknown>>,
  applied: AppliedStep[],
  halt: { readonly failed: boolean },
): Promise<Record<string, unknown> | undefined> {
  const { node } = p;
  const needs = new Set(node.needs);
  const reporter = base.reporter.scoped({ node: node.id, layer: node.layer });
  const ctx: ApplyContext = {
    config: base.config,
    tags: base.tags,
    stateDir: base.stateDir,
    ports: base.ports,
    store: base.store,
    reporter,
    input<O>(upstream: ResourceNode<unknown, O>): O {
      if (!needs.has(upstream.id)) throw undeclared(node.id, upstream.id);
      const value = outputs.get(upstream.id);
      if (value === undefined) throw undeclared(node.id, upstream.id);
      return value as O;
    },
  };
  const result: Record<string, unknown> = { ...p.outputs };
  for (const step of p.steps) {
    if (!step.apply) continue;
    // Another node failed: the step in flight was allowed to finish; no new one starts.
    if (halt.failed) return undefined;
    const run = step.apply;
    const started = Date.now();
    const learned = await reporter.step(`${step.kind} ${step.resource}`, () => run(ctx));
    Object.assign(result, learned ?? {});
    applied.push({
      node: node.id,
      layer: node.layer,
      action: { kind: step.kind, resource: step.resource, reason: step.reason },
      ms: Date.now() - started,
    });
  }
  const unknown = Object.entries(result).filter(([, value]) => !isKnown(value));
  if (unknown.length) {
    throw new BridgeError(
      `node ${node.id} finished without learning ${unknown.map(([key]) => key).join(", ")} (known after apply)`,
      { code: "INTERNAL", fault: "internal" },
    );
  }
  return result;
}

function combine(
  failures: ReadonlyArray<{ node: NodeId; error: unknown }>,
  notStarted: readonly NodeId[],
): BridgeError {
  const skipped = notStarted.length ? ` Not started: ${notStarted.join(", ")}.` : "";
  if (failures.length === 1 && isBridgeError(failures[0]?.error)) {
    const only = failures[0].error;
    return new BridgeError(`${only.message}`, {
      code: only.code,
      fault: only.fault,
      exitCode: only.exitCode,
      cause: only.cause ?? only,
      details: [...only.details, ...(skipped ? [skipped.trim()] : [])],
      ...(only.hint === undefined ? {} : { hint: only.hint }),
    });
  }
  const first = failures.find((f) => isBridgeError(f.error))?.error as BridgeError | undefined;
  return new BridgeError(`${failures.length} step(s) failed.${skipped}`, {
    code: first?.code ?? "INTERNAL",
    fault: first?.fault ?? "internal",
    exitCode: 1,
    cause: failures[0]?.error,
    details: failures.map((f) => `${f.node}: ${f.error instanceof Error ? f.error.message : String(f.error)}`),
    hint: "fix the causes above and run the command again; what was done is recorded and is not redone",
  });
}

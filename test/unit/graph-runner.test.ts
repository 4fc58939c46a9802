import { describe, expect, test } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { applyGraph, type ApplyBase } from "../../src/engine/apply-graph.js";
import { externalInputs } from "../../src/engine/plan-graph.js";
import { topologicalOrder } from "../../src/engine/graph.js";
import { later, type Planned } from "../../src/engine/known-after-apply.js";
import type { AnyNode, ResourceNode, Step } from "../../src/engine/node.js";
import { RecordingReporter } from "../../src/report/recording-reporter.js";
import { configSchema } from "../../src/config/schema.js";
import { isBridgeError, type BridgeError } from "../../src/errors.js";
import type { StateStore } from "../../src/state/store.js";
import type { CloudPorts } from "../../src/cloud/ports.js";
import { memoryState, planWith } from "../helpers/plan-graph.js";

type Out = { value: string };
/** A node whose single step waits `ms`, logs start and end, then learns `value` (or fails). */
function node(
  id: string,
  needs: string[],
  log: string[],
  options: { ms?: number; fail?: string; steps?: number; known?: boolean } = {},
): ResourceNode<undefined, Out> {
  return {
    id,
    layer: "identity",
    needs,
    lookup: () => Promise.resolve(undefined),
    plan: (_o, ctx) => {
      const upstream = needs.map((n) => ctx.input<Out>({ id: n } as ResourceNode<unknown, Out>).value);
      const steps: Step<Out>[] = Array.from({ length: options.steps ?? 1 }, (_, i) => ({
        kind: "create",
        resource: `${id}#${i}`,
        reason: `after ${upstream.map(String).join(",") || "nothing"}`,
        async apply(apply) {
          const seen = needs.map((n) => apply.input<Out>({ id: n } as ResourceNode<unknown, Out>).value);
          log.push(`start ${id}#${i} seeing ${seen.join(",") || "-"}`);
          await sleep(options.ms ?? 5);
          if (options.fail) throw new Error(options.fail);
          log.push(`end ${id}#${i}`);
          return { value: `${id}-value` };
        },
      }));
      const value: Planned<string> = options.known ? `${id}-value` : later(`${id} value`);
      return { steps, outputs: { value } };
    },
    fromState: () => undefined,
  };
}

const base = (reporter = new RecordingReporter()): ApplyBase => ({
  config: configSchema.parse({}),
  tags: {},
  stateDir: "/state",
  ports: {} as CloudPorts,
  store: {} as StateStore,
  reporter,
});

async function run(nodes: AnyNode[], concurrency = 8) {
  const { plan, actions } = await planWith(nodes, {});
  return { actions, outcome: applyGraph(plan, base(), concurrency) };
}

describe("graph runner", () => {
  test("a node starts as soon as what it needs is done, and sees the values its needs learned", async () => {
    const log: string[] = [];
    const { actions, outcome } = await run([
      node("a", [], log, { ms: 30 }),
      node("b", [], log, { ms: 5 }),
      node("c", ["b"], log, { ms: 5 }),
    ]);
    expect(actions.find((a) => a.node === "c")?.reason).toBe("after (known after apply)");
    const result = await outcome;
    // c ran while a was still running: it waited for b only.
    expect(log.indexOf("start c#0 seeing b-value")).toBeLessThan(log.indexOf("end a#0"));
    expect(result.outputs.get("c")).toEqual({ value: "c-value" });
    expect(result.applied.map((s) => s.node).sort()).toEqual(["a", "b", "c"]);
  });

  test("never runs more nodes at once than the bound", async () => {
    const log: string[] = [];
    const nodes = ["a", "b", "c", "d", "e"].map((id) => node(id, [], log, { ms: 10 }));
    await (
      await run(nodes, 2)
    ).outcome;
    let running = 0;
    let most = 0;
    for (const line of log) {
      running += line.startsWith("start") ? 1 : -1;
      most = Math.max(most, running);
    }
    expect(most).toBe(2);
  });

  test("after a failure nothing new starts, running steps finish, and every failure is reported", async () => {
    const log: string[] = [];
    const { outcome } = await run([
      node("slow", [], log, { ms: 40, steps: 2 }),
      node("bad1", [], log, { ms: 5, fail: "first boom" }),
      node("bad2", [], log, { ms: 5, fail: "second boom" }),
      node("after", ["bad1"], log),
    ]);
    const error = (await outcome.then(
      () => undefined,
      (e: unknown) => e,
    )) as BridgeError;
    expect(isBridgeError(error)).toBe(true);
    expect(error.details.join("\n")).toContain("bad1: first boom");
    expect(error.details.join("\n")).toContain("bad2: second boom");
    expect(error.message).toContain("Not started: after");
    // The slow node's step in flight finished; its second step never started.
    expect(log).toContain("end slow#0");
    expect(log.some((l) => l.startsWith("start slow#1"))).toBe(false);
    expect(log.some((l) => l.startsWith("start after"))).toBe(false);
  });

  test("a cycle in the graph is a bug reported before anything runs", () => {
    const log: string[] = [];
    expect(() => topologicalOrder([node("x", ["y"], log), node("y", ["x"], log)])).toThrow(/cycle: x → y → x/);
  });

  test("a need outside the selection comes from the state file; when absent, the error names the command", () => {
    const log: string[] = [];
    const upstream = { ...node("oidc-provider", [], log), layer: "trust" as const };
    const downstream = node("role", ["oidc-provider"], log);
    let error: unknown;
    try {
      externalInputs([downstream], [upstream, downstream], memoryState("ob-1"), configSchema.parse({}));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: "LAYER_MISSING",
      hint: expect.stringContaining("`oidc-bridge trust`") as unknown,
    });
  });
});

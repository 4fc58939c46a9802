import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { join } from "node:path";
import { readFile } from "node:fs/promises";
import { plannedActions, runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { readJournal } from "../../src/sandbox/harness/index.js";
import { readState } from "../../src/state/store.js";
import type { JournalEntry } from "../../src/sandbox/harness/types.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
let stateDir: string;
beforeEach(async () => {
  dir = await tempDir();
  stateDir = join(dir.path, ".oidc-bridge");
});
afterEach(async () => dir.cleanup());

const up = (env: Record<string, string> = {}, ...extra: string[]) =>
  runCli(["--sandbox", "--json", "up", ...extra], { cwd: dir.path, env });

const VM_NODES = [
  "virtual-network",
  "subnet",
  "public-ip",
  "network-security-group",
  "network-interface",
  "ssh-key",
  "virtual-machine",
  "vm-ready",
];
const VM_KINDS = [
  "azure-virtual-network",
  "azure-subnet",
  "azure-public-ip",
  "azure-network-security-group",
  "azure-network-interface",
  "azure-ssh-public-key",
  "azure-virtual-machine",
];

const span = (e: JournalEntry): [number, number] => {
  const start = Date.parse(e.time);
  return [start, start + e.durationMs];
};
const overlaps = (a: JournalEntry, b: JournalEntry): boolean => {
  const [a0, a1] = span(a);
  const [b0, b1] = span(b);
  return a0 < b1 && b0 < a1;
};

describe("oidc-bridge up against the sandbox", () => {
  test("builds trust, identity and vm as one graph: the provider is created while the Azure side is", async () => {
    // Realistic durations, scaled down: each create takes long enough for overlap to be visible.
    const run = await up({ OIDC_BRIDGE_SANDBOX_PROFILE: "realistic", OIDC_BRIDGE_SANDBOX_LATENCY_SCALE: "0.1" });
    expect(run.exitCode, JSON.stringify(run.events.at(-1))).toBe(0);
    const state = await readState(stateDir);
    expect(state?.resources.map((r) => [r.kind, r.status, r.createdByUs]).sort()).toEqual(
      [
        ["azure-resource-group", "ready", true],
        ["azure-user-assigned-identity", "ready", true],
        ["iam-oidc-provider", "ready", true],
        ["iam-role", "ready", true],
        ["iam-role-policy-attachment", "ready", true],
        ["ssm-parameter", "ready", true],
        ...VM_KINDS.map((kind) => [kind, "ready", true]),
      ].sort(),
    );
    expect(Object.keys(state?.layers ?? {}).sort()).toEqual(["identity", "trust", "vm"]);
    const journal = await readJournal(join(stateDir, "sandbox/journal.jsonl"));
    const provider = journal.find((e) => e.operation === "CreateOpenIDConnectProvider");
    const azure = journal.filter((e) =>
      ["ResourceGroups_CreateOrUpdate", "UserAssignedIdentities_CreateOrUpdate"].includes(e.operation),
    );
    expect(provider).toBeDefined();
    expect(azure).toHaveLength(2);
    expect(azure.some((e) => overlaps(provider as JournalEntry, e))).toBe(true);

    const summary = run.events.find((e) => e.type === "summary");
    expect(summary).toMatchObject({ type: "summary", command: "up" });
    expect(summary?.type === "summary" && summary.changes.map((c) => `${c.kind} ${c.node}`).sort()).toEqual(
      [
        "create iam-role",
        "create managed-identity",
        "create oidc-provider",
        "create resource-group",
        "create role-policies",
        "create ssm-parameter",
        ...VM_NODES.map((n) => `${n === "vm-ready" ? "update" : "create"} ${n}`),
      ].sort(),
    );
    expect(run.events.at(-1)).toMatchObject({
      type: "result",
      summary: expect.stringMatching(/^up: changed/) as unknown,
    });
  });

  test("a second up is unchanged: no write call, the state file untouched", async () => {
    expect((await up()).exitCode).toBe(0);
    const journalPath = join(stateDir, "sandbox/journal.jsonl");
    const before = (await readJournal(journalPath)).length;
    const stateBefore = await readFile(join(stateDir, "state.json"), "utf8");
    const again = await up();
    expect(again.exitCode).toBe(0);
    expect(again.events.at(-1)).toMatchObject({
      type: "result",
      summary: expect.stringMatching(/^up: unchanged/) as unknown,
    });
    expect(plannedActions(again).every((a) => a.kind === "unchanged")).toBe(true);
    const after = (await readJournal(journalPath)).slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((e) => e.write)).toEqual([]);
    expect(await readFile(join(stateDir, "state.json"), "utf8")).toBe(stateBefore);
  });

  test("--dry-run prints one plan across every node, values not yet known shown as known after apply", async () => {
    const run = await up({}, "--dry-run");
    expect(run.exitCode).toBe(0);
    const plans = run.events.filter((e) => e.type === "plan");
    expect(plans).toHaveLength(1);
    const actions = plannedActions(run);
    expect(actions.map((a) => a.node)).toEqual([
      "oidc-provider",
      "resource-group",
      "managed-identity",
      "iam-role",
      "role-policies",
      "ssm-parameter",
      ...VM_NODES,
    ]);
    expect(actions.every((a) => a.kind === (a.node === "vm-ready" ? "update" : "create"))).toBe(true);
    expect(actions.find((a) => a.node === "iam-role")?.reason).toContain("sub=(known after apply)");
    const journal = await readJournal(join(stateDir, "sandbox/journal.jsonl"));
    expect(journal.filter((e) => e.write)).toEqual([]);
    expect(await readState(stateDir)).toBeUndefined();
  });

  test("every step event names its node and layer", async () => {
    const run = await up();
    const applied = run.events.filter((e) => e.type === "step" && e.status === "ok" && e.title.startsWith("create "));
    expect(applied.length).toBe(6 + VM_NODES.length - 1);
    for (const e of applied)
      expect(e).toMatchObject({ node: expect.any(String) as unknown, layer: expect.any(String) as unknown });
  });
});

#!/usr/bin/env node
// The whole flow on the sandbox's realistic latency profile: `up` (trust, identity, vm, configure
// as one graph), a second `up`, `destroy --yes`, a second `destroy --yes`. For `up` and `destroy`:
//   wall / chain  how close the run comes to the longest dependency chain of its operations
//                 (goal <= 1.10); how the chain is counted: scripts/bench/flow.mjs
//   wall / sum    what running independent operations at once buys (goal <= 0.5); chain / sum
//                 beside it is the least any schedule could reach on this graph
//   polls/s       the most polls per second of any long-running operation (goal <= 1; the bench
//                 exits 1 if a poll loop is tighter, or a poll comes before the Retry-After asked)
//   2nd writes    write calls of the second run (goal 0); 2nd / help: its wall time / `--help`'s
// At a small scale the ratios carry fixed costs the chain cannot: start-up to the first call (SDK
// loading, ~0.5-1 s on a busy machine) and, per long-running operation on the chain, up to a
// second past its end, since Retry-After is whole seconds and polls wait for it. A larger
// BENCH_SCALE shows the schedule itself (e.g. 0.3: about a minute per run).
// Each run has its own state folder and a sandbox started beside it (`sandbox start`), so the
// emulators' start-up is not part of what `up` costs. Medians over the runs.
// Env: BENCH_SCALE (OIDC_BRIDGE_SANDBOX_LATENCY_SCALE, default 0.1), BENCH_RUNS (default 3),
// BENCH_KEEP=1 keeps each run's folder (journal, state, sandbox) and prints where.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { loadGraphs } from "./bench/graph.mjs";
import { analyse } from "./bench/flow.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "bin", "oidc-bridge.cjs");
const scale = process.env.BENCH_SCALE ?? "0.1";
const runs = Number(process.env.BENCH_RUNS ?? 3);
const keep = process.env.BENCH_KEEP === "1";
const env = {
  ...process.env,
  NO_COLOR: "1",
  OIDC_BRIDGE_SANDBOX_PROFILE: "realistic",
  OIDC_BRIDGE_SANDBOX_LATENCY_SCALE: scale,
  // Response headers in the journal: the poll check compares each poll with the Retry-After asked.
  OIDC_BRIDGE_SANDBOX_JOURNAL_BODIES: "1",
};

function cli(args, cwd) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}${result.stdout}`);
  const events = args.includes("--json")
    ? result.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
    : [];
  // Kept runs keep each command's events too (up.jsonl, destroy.jsonl), to look into.
  if (keep && events.length) writeFileSync(join(cwd, `${args.find((a) => !a.startsWith("-"))}.jsonl`), result.stdout);
  return { ms, events };
}

/** `sandbox start` in the background; resolves once it serves, with a stop function. */
async function startSandbox(cwd) {
  const child = spawn(process.execPath, [bin, "--json", "sandbox", "start"], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  for await (const line of createInterface({ input: child.stdout })) {
    if (JSON.parse(line).type === "result") break;
  }
  if (child.exitCode !== null) throw new Error(`sandbox start exited ${child.exitCode}: ${stderr}`);
  return async () => {
    child.kill("SIGTERM");
    await exited;
  };
}

const sandboxFile = (dir, name) => join(dir, ".oidc-bridge", "sandbox", name);
const journal = (dir) =>
  readFileSync(sandboxFile(dir, "journal.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

async function oneRun(graphs) {
  const dir = mkdtempSync(join(tmpdir(), "oidc-bridge-bench-up-"));
  const stop = await startSandbox(dir);
  try {
    const help = cli(["--help"], dir).ms;
    const mark = () => journal(dir).length;
    const upFrom = mark();
    const up = cli(["--sandbox", "--json", "up"], dir);
    const upTo = mark();
    const up2 = cli(["--sandbox", "up"], dir);
    const up2To = mark();
    const records = JSON.parse(readFileSync(join(dir, ".oidc-bridge", "state.json"), "utf8")).resources;
    const down = cli(["--sandbox", "--json", "destroy", "--yes"], dir);
    const downTo = mark();
    const down2 = cli(["--sandbox", "destroy", "--yes"], dir);
    await stop();
    const all = journal(dir);
    const operations = new Map(
      Object.values(JSON.parse(readFileSync(sandboxFile(dir, "azure.json"), "utf8")).operations).map((op) => [
        op.id,
        op,
      ]),
    );
    const writes = (from, to) => all.slice(from, to).filter((e) => e.write).length;
    const flow = (calls, events, graph, wall) => ({ wall, ...analyse({ calls, operations, events, graph }) });
    return {
      help,
      up: {
        ...flow(all.slice(upFrom, upTo), up.events, graphs.up(), up.ms),
        second: up2.ms,
        secondWrites: writes(upTo, up2To),
      },
      destroy: {
        ...flow(all.slice(up2To, downTo), down.events, graphs.destroy(records), down.ms),
        second: down2.ms,
        secondWrites: writes(downTo, all.length),
      },
    };
  } finally {
    await stop().catch(() => undefined);
    if (keep) console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const graphs = await loadGraphs(root);
const results = [];
for (let i = 0; i < runs; i++) results.push(await oneRun(graphs));

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const figures = (name) => {
  const rows = results.map((r) => ({ ...r[name], help: r.help }));
  const m = (f) => median(rows.map(f));
  return {
    name,
    wall: m((r) => r.wall),
    chain: m((r) => r.chain),
    sum: m((r) => r.sum),
    perChain: m((r) => r.wall / r.chain),
    perSum: m((r) => r.wall / r.sum),
    floorSum: m((r) => r.chain / r.sum),
    pollsPerSecond: Math.max(...rows.map((r) => r.polls.maxPerSecond)),
    early: Math.max(...rows.map((r) => r.polls.early)),
    polls: m((r) => r.polls.polls),
    secondWrites: Math.max(...rows.map((r) => r.secondWrites)),
    second: m((r) => r.second),
    perHelp: m((r) => r.second / r.help),
    reads: m((r) => r.readsMs),
    sshWait: m((r) => r.sshWaitMs),
    path: rows.at(-1).path,
  };
};
const flows = [figures("up"), figures("destroy")];

const table = [
  ["", "wall", "chain", "sum", "wall/chain", "wall/sum", "chain/sum", "polls/s", "2nd writes", "2nd wall", "2nd/help"],
  ...flows.map((f) => [
    f.name,
    s(f.wall),
    s(f.chain),
    s(f.sum),
    f.perChain.toFixed(2),
    f.perSum.toFixed(2),
    f.floorSum.toFixed(2),
    f.pollsPerSecond.toFixed(2),
    String(f.secondWrites),
    s(f.second),
    f.perHelp.toFixed(1),
  ]),
];
const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
console.log(`oidc-bridge on the realistic profile x${scale}, median of ${runs} run(s); goals: wall/chain <= 1.10,`);
console.log("wall/sum <= 0.5, polls/s <= 1, 2nd writes 0");
for (const row of table)
  console.log(row.map((cell, c) => (c ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  "));
for (const f of flows) {
  console.log(`${f.name} critical path (last run): reads ${s(f.reads)} -> ${f.path.join(" -> ")}`);
}
console.log(`up: SSH wait ${s(flows[0].sshWait)} (in the chain as measured)`);
console.log("\nFor a note:");
for (const f of flows) {
  console.log(
    `- ${f.name} (realistic x${scale}, median of ${runs}): wall ${s(f.wall)}, chain ${s(f.chain)}, sum ${s(f.sum)}; ` +
      `wall/chain ${f.perChain.toFixed(2)}, wall/sum ${f.perSum.toFixed(2)} (no schedule beats chain/sum ${f.floorSum.toFixed(2)}); at most ${f.pollsPerSecond.toFixed(2)} polls/s ` +
      `per operation (${f.early} before Retry-After); second ${f.name}: ${f.secondWrites} writes, ${s(f.second)} = ` +
      `${f.perHelp.toFixed(1)}x --help`,
  );
}
const tight = flows.filter((f) => f.pollsPerSecond > 1 || f.early > 0);
if (tight.length) {
  console.error(
    `poll loop tighter than 1/s or than the server's Retry-After in: ${tight.map((f) => f.name).join(", ")}`,
  );
  process.exitCode = 1;
}

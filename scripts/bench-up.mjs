#!/usr/bin/env node
// `up` on the sandbox's realistic latency profile against the two limits no scheduler can beat:
// the longest dependency chain of the operations it had to make, and the sum of them all.
//   wall / chain: how close to the critical path the graph runs (goal <= 1.15 with trust and
//                 identity; 1.10 with every layer)
//   wall / sum:   how much the concurrency buys (with only two layers the chain is most of the sum)
//   writes of a second `up` (goal 0), and its wall time against `oidc-bridge --help`.
// Env: BENCH_SCALE (latency scale, default 1), BENCH_RUNS (default 3).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "oidc-bridge.js");
const scale = process.env.BENCH_SCALE ?? "1";
const runs = Number(process.env.BENCH_RUNS ?? 3);

/**
 * What must happen one after another in `up`, as the resource graph says: the reads each node
 * needs before planning (sign-in, discovery, the account, the provider), then the writes along
 * the graph's longest path. Each entry lists alternatives; the slowest counts.
 */
const CHAIN = [
  ["Token", "TokenV1"],
  ["OpenIdConfigurationV1"],
  ["GetCallerIdentity"],
  ["GetOpenIDConnectProvider", "GetRole", "ResourceGroups_Get", "UserAssignedIdentities_Get", "GetParameter"],
  // Writes: the provider beside the group then the identity; then the role; then its dependants.
  [["CreateOpenIDConnectProvider"], ["ResourceGroups_CreateOrUpdate", "UserAssignedIdentities_CreateOrUpdate"]],
  ["CreateRole"],
  ["AttachRolePolicy", "PutParameter"],
];

function journal(dir) {
  return readFileSync(join(dir, ".oidc-bridge/sandbox/journal.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

function chainMs(entries) {
  const longest = (op) => Math.max(0, ...entries.filter((e) => e.operation === op).map((e) => e.durationMs));
  let total = 0;
  for (const stage of CHAIN) {
    // A stage is either alternatives (the slowest) or parallel sequences (the slowest sum).
    total += Math.max(
      ...stage.map((part) => (Array.isArray(part) ? part.reduce((sum, op) => sum + longest(op), 0) : longest(part))),
    );
  }
  return total;
}

function run(args, cwd, env = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}${result.stdout}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), "oidc-bridge-bench-up-"));
  try {
    const env = { OIDC_BRIDGE_SANDBOX_PROFILE: "realistic", OIDC_BRIDGE_SANDBOX_LATENCY_SCALE: scale };
    // The sandbox's CA is made on first start: not part of what `up` costs.
    run(["--sandbox", "status"], dir, env);
    run(["--sandbox", "sandbox", "reset"], dir, env);
    const wall = run(["--sandbox", "up"], dir, env);
    const entries = journal(dir);
    const chain = chainMs(entries);
    const sum = entries.reduce((s, e) => s + e.durationMs, 0);
    const before = entries.length;
    const second = run(["--sandbox", "up"], dir, env);
    const writes = journal(dir)
      .slice(before)
      .filter((e) => e.write).length;
    const help = run(["--help"], dir);
    rows.push({ wall, chain, sum, second, writes, help });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const m = (key) => median(rows.map((r) => r[key]));
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`up on the realistic profile x${scale}, median of ${runs} runs`);
console.log(`  wall time of up            ${fmt(m("wall"))}`);
console.log(
  `  longest chain of its calls ${fmt(m("chain"))}   wall / chain = ${median(rows.map((r) => r.wall / r.chain)).toFixed(2)}`,
);
console.log(
  `  sum of all its calls       ${fmt(m("sum"))}   wall / sum   = ${median(rows.map((r) => r.wall / r.sum)).toFixed(2)}`,
);
console.log(
  `  second up: ${fmt(m("second"))}, ${m("writes")} write call(s); / --help = ${median(rows.map((r) => r.second / r.help)).toFixed(2)}`,
);

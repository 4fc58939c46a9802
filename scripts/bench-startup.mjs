#!/usr/bin/env node
// Start-up cost of the CLI against a bare node start: median wall time of N runs each.
// Goal: `--help` and `status` under 1.5x `node -e 0`, i.e. no cloud SDK on those paths.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const runs = Number(process.env.BENCH_RUNS ?? 15);
const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "oidc-bridge.js");
const stateDir = mkdtempSync(join(tmpdir(), "oidc-bridge-bench-"));

function median(command, args) {
  const times = [];
  spawnSync(command, args, { stdio: "ignore" }); // warm the file cache
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: "ignore" });
    if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

try {
  const bare = median(process.execPath, ["-e", "0"]);
  const help = median(process.execPath, [bin, "--help"]);
  const status = median(process.execPath, [bin, "--state-dir", stateDir, "status"]);
  console.log(`runs per command: ${runs} (median wall time)`);
  console.log(`node -e 0              ${bare.toFixed(1)} ms`);
  console.log(`oidc-bridge --help     ${help.toFixed(1)} ms  ratio ${(help / bare).toFixed(2)}x`);
  console.log(`oidc-bridge status     ${status.toFixed(1)} ms  ratio ${(status / bare).toFixed(2)}x`);
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}

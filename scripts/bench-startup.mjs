#!/usr/bin/env node
// Start-up cost of the CLI against a bare node start: median wall time of N runs each.
// Goal: `--help` and `status` under 1.5x `node -e 0`, i.e. no cloud SDK on those paths.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const runs = Number(process.env.BENCH_RUNS ?? 15);
const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "oidc-bridge.js");
const stateDir = mkdtempSync(join(tmpdir(), "oidc-bridge-bench-"));
// `status` reads and validates a real state file (two layers done), not an empty folder.
const now = new Date().toISOString();
const resource = (kind, layer, id, attributes = {}) => ({
  kind,
  layer,
  id,
  createdByUs: true,
  recordedAt: now,
  attributes,
});
writeFileSync(
  join(stateDir, "state.json"),
  JSON.stringify({
    version: 1,
    deploymentId: "ob-bench00000",
    target: "cloud",
    createdAt: now,
    updatedAt: now,
    resources: [
      resource("iam-oidc-provider", "trust", "arn:aws:iam::123456789012:oidc-provider/sts.windows.net/t/", {
        url: "https://sts.windows.net/t/",
      }),
      resource("azure-resource-group", "identity", "/subscriptions/s/resourceGroups/aws-oidc-rg"),
      resource(
        "azure-user-assigned-identity",
        "identity",
        "/subscriptions/s/resourcegroups/aws-oidc-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aws-oidc-identity",
        { principalId: "p" },
      ),
      resource("iam-role", "identity", "arn:aws:iam::123456789012:role/azure-vm"),
      resource("ssm-parameter", "identity", "/azure/oidc/role-arn"),
    ],
    layers: { trust: { completedAt: now, summary: "provider" }, identity: { completedAt: now, summary: "role" } },
  }),
  { mode: 0o600 },
);

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
  // The floor for any commander CLI: loading commander and the built-ins it needs, nothing else.
  const commander = median(process.execPath, ["-e", `require(${JSON.stringify(require.resolve("commander"))})`]);
  const help = median(process.execPath, [bin, "--help"]);
  const status = median(process.execPath, [bin, "--state-dir", stateDir, "status"]);
  console.log(`runs per command: ${runs} (median wall time)`);
  console.log(`node -e 0              ${bare.toFixed(1)} ms`);
  console.log(`commander alone        ${commander.toFixed(1)} ms  ratio ${(commander / bare).toFixed(2)}x (reference)`);
  console.log(`oidc-bridge --help     ${help.toFixed(1)} ms  ratio ${(help / bare).toFixed(2)}x`);
  console.log(`oidc-bridge status     ${status.toFixed(1)} ms  ratio ${(status / bare).toFixed(2)}x`);
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}

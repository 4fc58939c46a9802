#!/usr/bin/env node
// Start-up cost of the CLI against a bare node start: median wall time of N runs each.
// Goal: `--help` and `status` under 1.5x `node -e 0`, i.e. no cloud SDK on those paths.
//
// The commands run in turn, one of each per round in a shuffled order, and each ratio is the
// median of the per-round ratios: on a shared machine the load drifts, and timing one command's
// runs after the other's would measure the drift as much as the command.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const runs = Number(process.env.BENCH_RUNS ?? 15);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, require(join(root, "package.json")).bin["oidc-bridge"]);
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

const commands = [
  { name: "node -e 0", args: ["-e", "0"] },
  // The floor for any commander CLI: loading commander and the built-ins it needs, nothing else.
  {
    name: "commander alone",
    args: ["-e", `require(${JSON.stringify(require.resolve("commander"))})`],
    note: " (reference)",
  },
  { name: "oidc-bridge --help", args: [bin, "--help"] },
  { name: "oidc-bridge status", args: [bin, "--state-dir", stateDir, "status"] },
];

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: "ignore" });
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

try {
  for (const command of commands) time(command.args); // warm the file and compile caches
  const times = commands.map(() => []);
  for (let round = 0; round < runs; round++) {
    const order = commands.map((_, i) => i).sort(() => Math.random() - 0.5);
    for (const i of order) times[i].push(time(commands[i].args));
  }
  console.log(`runs per command: ${runs}, in turn (median wall time; ratio = median of per-round ratios)`);
  commands.forEach((command, i) => {
    const ms = `${median(times[i]).toFixed(1)} ms`;
    if (i === 0) return console.log(`${command.name.padEnd(22)} ${ms}`);
    const ratio = median(times[i].map((t, round) => t / times[0][round]));
    console.log(`${command.name.padEnd(22)} ${ms.padStart(9)}  ratio ${ratio.toFixed(2)}x${command.note ?? ""}`);
  });
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}

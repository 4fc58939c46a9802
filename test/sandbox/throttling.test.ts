import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { join } from "node:path";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { readJournal } from "../../src/sandbox/harness/index.js";
import { readState } from "../../src/state/store.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => (dir = await tempDir()));
afterEach(async () => dir.cleanup());

describe("throttled clouds", () => {
  test("trust and identity complete when a quarter of IAM, SSM and ARM calls are throttled, retrying after Retry-After", async () => {
    const env = {
      OIDC_BRIDGE_SANDBOX_FAULT_RATE: "0.25",
      OIDC_BRIDGE_SANDBOX_FAULT_STATUS: "429",
      OIDC_BRIDGE_SANDBOX_FAULT_RETRY_AFTER: "1",
      OIDC_BRIDGE_SANDBOX_FAULT_SERVICES: "iam,ssm,arm",
      OIDC_BRIDGE_SANDBOX_FAULT_SEED: "7",
    };
    const trust = await runCli(["--sandbox", "trust"], { cwd: dir.path, env });
    expect(trust.exitCode, trust.stderr).toBe(0);
    const identity = await runCli(["--sandbox", "identity"], { cwd: dir.path, env });
    expect(identity.exitCode, identity.stderr).toBe(0);
    const journal = await readJournal(join(dir.path, ".oidc-bridge/sandbox/journal.jsonl"));
    const faults = journal.filter((e) => e.fault);
    expect(faults.length).toBeGreaterThan(2);
    for (const fault of faults) expect(["iam", "ssm", "arm"]).toContain(fault.service);
    // IAM answers a throttle as HTTP 400 `Throttling`, as AWS does; ARM and SSM as 429/400 of their own.
    expect(faults.every((e) => e.fault === "429")).toBe(true);
    const state = await readState(join(dir.path, ".oidc-bridge"));
    expect(state?.layers.identity).toBeDefined();
    // Every resource was created exactly once despite the retries.
    const creates = journal.filter((e) => e.write && !e.fault && e.status < 300);
    const byOperation = creates.reduce<Record<string, number>>(
      (acc, e) => ({ ...acc, [e.operation]: (acc[e.operation] ?? 0) + 1 }),
      {},
    );
    expect(byOperation).toMatchObject({ CreateOpenIDConnectProvider: 1, CreateRole: 1, PutParameter: 1 });
  });
});

import { describe, expect, test } from "vitest";
import { join } from "node:path";
import { readState } from "../../src/state/store.js";
import { readJournal } from "../../src/sandbox/harness/index.js";
import type { JournalEntry } from "../../src/sandbox/harness/types.js";
import { EMPTY_INVENTORY, sandboxInventory } from "../helpers/sandbox-inventory.js";
import { cliTestFolder } from "../helpers/spawn-cli.js";

// One deployment through a flaky cloud: every listener (AWS, ARM, Entra, what-is-my-IP, the VM's
// metadata service) answers a fifth of all calls with a fault in its own wire shape and a
// Retry-After. `up` sees throttling (429), `destroy` server errors (500).

const faults = (status: 429 | 500, seed: number): Record<string, string> => ({
  OIDC_BRIDGE_SANDBOX_FAULT_RATE: "0.2",
  OIDC_BRIDGE_SANDBOX_FAULT_STATUS: String(status),
  OIDC_BRIDGE_SANDBOX_FAULT_RETRY_AFTER: "1",
  OIDC_BRIDGE_SANDBOX_FAULT_SEED: String(seed),
});

const folder = cliTestFolder();

const run = (args: string[], env: Record<string, string>) => folder.start(args, env).exit;

const journalPath = () => join(folder.path(), ".oidc-bridge/sandbox/journal.jsonl");

/** Every faulted call of one command, and whether the same request was made again after it. */
function retriesOf(entries: readonly JournalEntry[]) {
  return entries.flatMap((e, i) =>
    e.fault
      ? [
          {
            call: `${e.service} ${e.method} ${e.path}`,
            fault: e.fault,
            retried: entries
              .slice(i + 1)
              .some((later) => later.service === e.service && later.method === e.method && later.path === e.path),
          },
        ]
      : [],
  );
}

describe("a fifth of all calls failing", () => {
  test("up under throttling and destroy under server errors both succeed; the journal shows each fault retried", async () => {
    const up = await run(["up"], faults(429, 7));
    expect(up.code, up.stderr + JSON.stringify(up.events.at(-1))).toBe(0);
    const state = await readState(join(folder.path(), ".oidc-bridge"));
    expect(state?.resources).toHaveLength(14);
    expect(state?.resources.every((r) => r.status === "ready" && r.createdByUs)).toBe(true);
    const upCalls = await readJournal(journalPath());
    const upFaults = retriesOf(upCalls);
    expect(upFaults.length).toBeGreaterThan(0);
    expect(upFaults.filter((f) => f.fault !== "429")).toEqual([]);
    expect(upFaults.filter((f) => !f.retried)).toEqual([]);
    // Nothing was created twice: a faulted create never reached the service.
    const creates = upCalls.filter((e) => e.write && e.status < 300 && e.operation === "CreateRole");
    expect(creates).toHaveLength(1);

    const destroy = await run(["--yes", "destroy"], faults(500, 11));
    expect(destroy.code, destroy.stderr + JSON.stringify(destroy.events.at(-1))).toBe(0);
    const destroyCalls = (await readJournal(journalPath())).slice(upCalls.length);
    const destroyFaults = retriesOf(destroyCalls);
    expect(destroyFaults.length).toBeGreaterThan(0);
    expect(destroyFaults.filter((f) => f.fault !== "500")).toEqual([]);
    expect(destroyFaults.filter((f) => !f.retried)).toEqual([]);
    expect(await sandboxInventory(join(folder.path(), ".oidc-bridge"))).toEqual(EMPTY_INVENTORY);
    expect(await readState(join(folder.path(), ".oidc-bridge"))).toMatchObject({ resources: [], layers: {} });
  });
});

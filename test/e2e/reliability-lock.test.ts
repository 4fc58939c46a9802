import { describe, expect, test } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { stateSchema } from "../../src/state/schema.js";
import { STATE_FILE } from "../../src/state/store.js";
import type { ReportEvent } from "../../src/report/reporter.js";
import { cliTestFolder, type CliExit, type SpawnedCli } from "../helpers/spawn-cli.js";

// Two CLI processes on one state folder. The first is frozen (SIGSTOP) once its plan is out: it
// then holds the lock mid-run for as long as the test needs, so the second always starts during
// the first, with no race on how long the first takes.

const folder = cliTestFolder();

const run = (args: string[]): SpawnedCli => folder.start(args);

const isPlan = (e: ReportEvent) => e.type === "plan";

function lockError(end: CliExit): Extract<ReportEvent, { type: "error" }> | undefined {
  return end.events.find((e): e is Extract<ReportEvent, { type: "error" }> => e.type === "error");
}

/** Parses the state file with the schema: a torn or half-merged file fails here. */
async function stateOnDisk() {
  return stateSchema.parse(JSON.parse(await readFile(join(folder.path(), ".oidc-bridge", STATE_FILE), "utf8")));
}

/** Runs `second` while `first` holds the lock; it must fail at once with the lock message. */
async function refusedDuring(first: SpawnedCli, second: string[], holder: string): Promise<void> {
  const other = await run(second).exit;
  expect(other.code, other.stderr).toBe(1);
  const error = lockError(other);
  expect(error?.code).toBe("STATE_LOCKED");
  expect(error?.message).toContain(
    `another oidc-bridge command holds the lock on ${join(folder.path(), ".oidc-bridge")}`,
  );
  expect(error?.message).toContain(`pid ${first.pid} (\`oidc-bridge ${holder}\`)`);
  // Refused before any cloud was touched: it never opened a sandbox of its own.
  expect(other.events.some((e) => e.type === "step" && e.title.includes("sandbox"))).toBe(false);
}

describe("two commands on one state folder", () => {
  test("an up or destroy during an up, and an up during a destroy, fail at once with the lock message; the state stays valid", async () => {
    const first = run(["up"]);
    await first.waitFor(isPlan);
    first.signal("SIGSTOP");
    await refusedDuring(first, ["up"], "up");
    await refusedDuring(first, ["--yes", "destroy"], "up");
    first.signal("SIGCONT");
    const done = await first.exit;
    expect(done.code, done.stderr).toBe(0);
    const afterUp = await stateOnDisk();
    expect(afterUp.resources).toHaveLength(14);
    expect(afterUp.resources.every((r) => r.status === "ready")).toBe(true);

    const destroy = run(["--yes", "destroy"]);
    await destroy.waitFor(isPlan);
    destroy.signal("SIGSTOP");
    await refusedDuring(destroy, ["up"], "destroy");
    destroy.signal("SIGCONT");
    const gone = await destroy.exit;
    expect(gone.code, gone.stderr).toBe(0);
    const afterDestroy = await stateOnDisk();
    expect(afterDestroy.resources).toEqual([]);
    expect(afterDestroy.deploymentId).toBe(afterUp.deploymentId);
  });
});

import { afterEach, beforeEach } from "vitest";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ReportEvent } from "../../src/report/reporter.js";
import { tempDir } from "./temp-dir.js";

/** The built CLI: these runs are separate processes, each with its own sandbox, as a user's would be. */
const bin = fileURLToPath(new URL("../../bin/oidc-bridge.cjs", import.meta.url));

export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  /** Every --json event, in order. */
  readonly events: readonly ReportEvent[];
}

export interface SpawnedCli {
  readonly pid: number;
  /** Resolves with the first event (past or future) that `match` accepts; rejects if the run ends first. */
  waitFor(match: (event: ReportEvent) => boolean): Promise<ReportEvent>;
  readonly exit: Promise<CliExit>;
  /** Sends a signal to this process only (by its pid), if it still runs. */
  signal(name: NodeJS.Signals): void;
}

/** `oidc-bridge --sandbox --json <args>` in `cwd`, streaming its events. */
export function spawnCli(cwd: string, args: readonly string[], env: Record<string, string> = {}): SpawnedCli {
  const child = spawn(process.execPath, [bin, "--sandbox", "--json", ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error("the CLI did not start");
  const events: ReportEvent[] = [];
  const waiters: Array<{ match: (e: ReportEvent) => boolean; resolve: (e: ReportEvent) => void }> = [];
  let pending = "";
  let stderr = "";
  let ended = false;
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines.filter((l) => l.trim())) {
      const event = JSON.parse(line) as ReportEvent;
      events.push(event);
      for (let i = waiters.length - 1; i >= 0; i--) {
        const waiter = waiters[i];
        if (waiter?.match(event)) {
          waiters.splice(i, 1);
          waiter.resolve(event);
        }
      }
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exit = new Promise<CliExit>((resolve) =>
    child.on("close", (code, signal) => {
      ended = true;
      resolve({ code, signal, stderr, events });
    }),
  );
  return {
    pid: child.pid,
    exit,
    waitFor(match) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        void exit.then((end) => {
          if (!events.some(match))
            reject(new Error(`the run ended (code ${end.code}) without the awaited event:\n${end.stderr}`));
        });
      });
    },
    signal(name) {
      if (!ended && child.exitCode === null && child.signalCode === null) child.kill(name);
    },
  };
}

/**
 * For a test file of CLI runs: a fresh folder per test, and every run the test started stopped
 * (by pid, thawed first if frozen) before the folder goes, even when an assertion failed first.
 */
export function cliTestFolder() {
  const started: SpawnedCli[] = [];
  let folder: Awaited<ReturnType<typeof tempDir>> | undefined;
  beforeEach(async () => (folder = await tempDir()));
  afterEach(async () => {
    for (const run of started.splice(0)) {
      run.signal("SIGCONT");
      run.signal("SIGKILL");
      await run.exit;
    }
    await folder?.cleanup();
  });
  const path = (): string => {
    if (!folder) throw new Error("no test is running");
    return folder.path;
  };
  return {
    path,
    start(args: readonly string[], env: Record<string, string> = {}): SpawnedCli {
      const cli = spawnCli(path(), args, env);
      started.push(cli);
      return cli;
    },
  };
}

import { main } from "../../src/main.js";
import type { Action, ReportEvent } from "../../src/report/reporter.js";

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** With --json: every event, in order. */
  readonly events: Array<ReportEvent & { time?: string }>;
}

/** Runs the CLI in this process (so the sandbox it starts is stopped before this returns). */
export async function runCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const exitCode = await main(["node", "oidc-bridge", ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTTY: false,
  });
  const events = args.includes("--json")
    ? stdout
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as ReportEvent)
    : [];
  return { exitCode, stdout, stderr, events };
}

/** The actions of every plan a run printed, in order. */
export function plannedActions(run: CliRun): Action[] {
  return run.events.flatMap((e) => (e.type === "plan" ? [...e.plan.actions] : []));
}

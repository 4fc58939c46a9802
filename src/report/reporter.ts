import type { BridgeError } from "../errors.js";
import type { CheckResult } from "../verify/check.js";

/** Which node of the graph, in which layer, an event belongs to. */
export interface EventScope {
  readonly node?: string;
  readonly layer?: string;
}

/** One thing a node will do (plan) or did (apply), always with the reason. */
export interface Action extends EventScope {
  readonly kind: "create" | "update" | "delete" | "adopt" | "skip" | "unchanged";
  /** What it acts on, e.g. "IAM OIDC provider sts.windows.net/<tenant>/". */
  readonly resource: string;
  readonly reason: string;
}

export interface PlanReport {
  /** The command or layer the plan is for. */
  readonly layer: string;
  readonly actions: readonly Action[];
}

export interface AppliedAction extends Action {
  readonly ms: number;
}

/** The closing summary of a run that changes things: what changed, and how long it all took. */
export interface RunSummary {
  readonly command: string;
  readonly changes: readonly AppliedAction[];
  readonly ms: number;
}

/**
 * All output goes through a Reporter, so core code never writes to stdout itself and tests can
 * record exactly what a user would see. Every implementation redacts secrets.
 */
export interface Reporter {
  /** Runs one step, shown live while it runs (on a TTY, beside every other running step). */
  step<T>(title: string, run: () => Promise<T>, scope?: EventScope): Promise<T>;
  /** The same reporter, with every event naming this node and layer. */
  scoped(scope: EventScope): Reporter;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  /** What will be done and why, before it is done (and all a dry run does). */
  plan(plan: PlanReport): void;
  summary(summary: RunSummary): void;
  /** One health check's outcome (`verify`): pass, fail or warn, with the fix. */
  check(check: CheckResult): void;
  /** The command's final result: a one-line summary and the data `--json` consumers want. */
  result(summary: string, data?: Record<string, unknown>): void;
  error(error: BridgeError, debug: boolean): void;
  /** Debug detail, shown only with --debug. */
  debug(message: string, data?: Record<string, unknown>): void;
}

export type ReportEvent =
  | ({ type: "step"; status: "start" | "ok" | "failed"; title: string; ms?: number } & EventScope)
  | ({ type: "info" | "warn" | "debug"; message: string; data?: Record<string, unknown> } & EventScope)
  | { type: "plan"; plan: PlanReport }
  | ({ type: "check" } & CheckResult)
  | ({ type: "summary" } & RunSummary)
  | { type: "result"; summary: string; data?: Record<string, unknown> }
  | { type: "error"; code: string; fault: string; message: string; hint?: string; details?: readonly string[] };

export function errorEvent(error: BridgeError): ReportEvent {
  return {
    type: "error",
    code: error.code,
    fault: error.fault,
    message: error.message,
    ...(error.hint ? { hint: error.hint } : {}),
    ...(error.details.length ? { details: error.details } : {}),
  };
}

/** The scope fields of an event, only those that are set. */
export function scopeFields(scope: EventScope | undefined): EventScope {
  return {
    ...(scope?.node === undefined ? {} : { node: scope.node }),
    ...(scope?.layer === undefined ? {} : { layer: scope.layer }),
  };
}

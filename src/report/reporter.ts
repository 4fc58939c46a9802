import type { BridgeError } from "../errors.js";

/** One thing a layer will do (plan) or did (apply), always with the reason. */
export interface Action {
  readonly kind: "create" | "update" | "delete" | "adopt" | "skip" | "unchanged";
  /** What it acts on, e.g. "IAM OIDC provider sts.windows.net/<tenant>/". */
  readonly resource: string;
  readonly reason: string;
}

export interface PlanReport {
  readonly layer: string;
  readonly actions: readonly Action[];
}

/**
 * All output goes through a Reporter, so core code never writes to stdout itself and tests can
 * record exactly what a user would see. Every implementation redacts secrets.
 */
export interface Reporter {
  /** Runs one step with a live line (spinner and elapsed time on a TTY). */
  step<T>(title: string, run: () => Promise<T>): Promise<T>;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  /** What a layer will do and why, before it does it (and all a dry run does). */
  plan(plan: PlanReport): void;
  /** The command's final result: a one-line summary and the data `--json` consumers want. */
  result(summary: string, data?: Record<string, unknown>): void;
  error(error: BridgeError, debug: boolean): void;
  /** Debug detail, shown only with --debug. */
  debug(message: string, data?: Record<string, unknown>): void;
}

export type ReportEvent =
  | { type: "step"; status: "start" | "ok" | "failed"; title: string; ms?: number }
  | { type: "info" | "warn" | "debug"; message: string; data?: Record<string, unknown> }
  | { type: "plan"; plan: PlanReport }
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

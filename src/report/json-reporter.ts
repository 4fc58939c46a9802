import { redactValue } from "./redact.js";
import {
  errorEvent,
  scopeFields,
  type EventScope,
  type PlanReport,
  type ReportEvent,
  type Reporter,
  type RunSummary,
} from "./reporter.js";
import type { BridgeError } from "../errors.js";
import type { CheckResult } from "../verify/check.js";

/**
 * `--json`: one JSON event per line on stdout, so scripts can stream it; a plan is one document
 * (the `plan` event). Errors go to stdout too, as the last event, so one stream tells everything.
 * Events of the graph carry their node and layer.
 */
export class JsonReporter implements Reporter {
  constructor(
    private readonly write: (line: string) => void,
    private readonly debugEnabled: boolean,
    private readonly now: () => number = Date.now,
    private readonly scope: EventScope = {},
  ) {}

  private emit(event: ReportEvent): void {
    this.write(`${JSON.stringify(redactValue({ ...event, time: new Date(this.now()).toISOString() }))}\n`);
  }

  scoped(scope: EventScope): Reporter {
    return new JsonReporter(this.write, this.debugEnabled, this.now, scope);
  }

  async step<T>(title: string, run: () => Promise<T>, scope: EventScope = this.scope): Promise<T> {
    const started = this.now();
    const where = scopeFields(scope);
    this.emit({ type: "step", status: "start", title, ...where });
    try {
      const value = await run();
      this.emit({ type: "step", status: "ok", title, ms: this.now() - started, ...where });
      return value;
    } catch (err) {
      this.emit({ type: "step", status: "failed", title, ms: this.now() - started, ...where });
      throw err;
    }
  }
  info(message: string, data?: Record<string, unknown>): void {
    this.emit({ type: "info", message, ...(data ? { data } : {}), ...scopeFields(this.scope) });
  }
  check(check: CheckResult): void {
    this.emit({ type: "check", ...check });
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.emit({ type: "warn", message, ...(data ? { data } : {}), ...scopeFields(this.scope) });
  }
  debug(message: string, data?: Record<string, unknown>): void {
    if (this.debugEnabled) this.emit({ type: "debug", message, ...(data ? { data } : {}), ...scopeFields(this.scope) });
  }
  plan(plan: PlanReport): void {
    this.emit({ type: "plan", plan });
  }
  summary(summary: RunSummary): void {
    this.emit({ type: "summary", ...summary });
  }
  result(summary: string, data?: Record<string, unknown>): void {
    this.emit({ type: "result", summary, ...(data ? { data } : {}) });
  }
  error(error: BridgeError, debug: boolean): void {
    const event = errorEvent(error);
    if (event.type === "error" && debug) event.message = `${error.message}\n${stackOf(error.cause ?? error)}`;
    this.emit(event);
  }
}

export function stackOf(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}

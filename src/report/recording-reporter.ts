import type { CheckResult } from "../verify/check.js";
import { redactValue } from "./redact.js";
import {
  errorEvent,
  scopeFields,
  type Action,
  type EventScope,
  type PlanReport,
  type ReportEvent,
  type Reporter,
  type RunSummary,
} from "./reporter.js";
import type { BridgeError } from "../errors.js";

/** Keeps every event in memory (redacted, as the real reporters are) for tests to assert on. */
export class RecordingReporter implements Reporter {
  constructor(
    readonly events: ReportEvent[] = [],
    private readonly scope: EventScope = {},
  ) {}

  private push(event: ReportEvent): void {
    this.events.push(redactValue(event) as ReportEvent);
  }

  scoped(scope: EventScope): Reporter {
    return new RecordingReporter(this.events, scope);
  }

  async step<T>(title: string, run: () => Promise<T>, scope: EventScope = this.scope): Promise<T> {
    const where = scopeFields(scope);
    this.push({ type: "step", status: "start", title, ...where });
    try {
      const value = await run();
      this.push({ type: "step", status: "ok", title, ...where });
      return value;
    } catch (err) {
      this.push({ type: "step", status: "failed", title, ...where });
      throw err;
    }
  }
  info(message: string, data?: Record<string, unknown>): void {
    this.push({ type: "info", message, ...(data ? { data } : {}), ...scopeFields(this.scope) });
  }
  check(check: CheckResult): void {
    this.push({ type: "check", ...check });
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.push({ type: "warn", message, ...(data ? { data } : {}), ...scopeFields(this.scope) });
  }
  debug(message: string, data?: Record<string, unknown>): void {
    this.push({ type: "debug", message, ...(data ? { data } : {}), ...scopeFields(this.scope) });
  }
  plan(plan: PlanReport): void {
    this.push({ type: "plan", plan });
  }
  summary(summary: RunSummary): void {
    this.push({ type: "summary", ...summary });
  }
  result(summary: string, data?: Record<string, unknown>): void {
    this.push({ type: "result", summary, ...(data ? { data } : {}) });
  }
  error(error: BridgeError): void {
    this.push(errorEvent(error));
  }

  /** Every event rendered as text, for "does the output mention X" assertions. */
  text(): string {
    return this.events.map((e) => JSON.stringify(e)).join("\n");
  }
  /** Every planned action, of one kind or all. */
  actions(kind?: Action["kind"]): Action[] {
    return this.events.flatMap((e) =>
      e.type === "plan" ? e.plan.actions.filter((a) => !kind || a.kind === kind) : [],
    );
  }
}

import { redactValue } from "./redact.js";
import { errorEvent, type Action, type PlanReport, type ReportEvent, type Reporter } from "./reporter.js";
import type { BridgeError } from "../errors.js";

/** Keeps every event in memory (redacted, as the real reporters are) for tests to assert on. */
export class RecordingReporter implements Reporter {
  readonly events: ReportEvent[] = [];

  private push(event: ReportEvent): void {
    this.events.push(redactValue(event) as ReportEvent);
  }

  async step<T>(title: string, run: () => Promise<T>): Promise<T> {
    this.push({ type: "step", status: "start", title });
    try {
      const value = await run();
      this.push({ type: "step", status: "ok", title });
      return value;
    } catch (err) {
      this.push({ type: "step", status: "failed", title });
      throw err;
    }
  }
  info(message: string, data?: Record<string, unknown>): void {
    this.push({ type: "info", message, ...(data ? { data } : {}) });
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.push({ type: "warn", message, ...(data ? { data } : {}) });
  }
  debug(message: string, data?: Record<string, unknown>): void {
    this.push({ type: "debug", message, ...(data ? { data } : {}) });
  }
  plan(plan: PlanReport): void {
    this.push({ type: "plan", plan });
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

import { redactText } from "./redact.js";
import { stackOf } from "./json-reporter.js";
import { LiveArea } from "./live-area.js";
import type { Action, EventScope, PlanReport, Reporter, RunSummary } from "./reporter.js";
import type { CheckResult } from "../verify/check.js";
import type { BridgeError } from "../errors.js";

export interface HumanOutput {
  write(text: string): void;
  writeError(text: string): void;
  /** A TTY gets a live area of running steps; anything else gets one plain line per step. */
  readonly isTTY: boolean;
  readonly color: boolean;
}

const MARK: Record<Action["kind"], string> = {
  create: "+",
  update: "~",
  delete: "-",
  adopt: "=",
  skip: "·",
  unchanged: "·",
};

/** Output for people: short lines, live progress on a TTY, errors with the fix on stderr. */
export class HumanReporter implements Reporter {
  private readonly live: LiveArea;

  constructor(
    private readonly out: HumanOutput,
    private readonly debugEnabled: boolean,
    private readonly now: () => number = Date.now,
    private readonly scope: EventScope = {},
    live?: LiveArea,
  ) {
    this.live = live ?? new LiveArea(out, now, (t) => this.paint(2, t));
  }

  scoped(scope: EventScope): Reporter {
    return new HumanReporter(this.out, this.debugEnabled, this.now, scope, this.live);
  }

  private paint(code: number, text: string): string {
    return this.out.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  private label(title: string, scope: EventScope): string {
    return scope.layer ? `${this.paint(2, `[${scope.layer}]`)} ${title}` : title;
  }

  async step<T>(title: string, run: () => Promise<T>, scope: EventScope = this.scope): Promise<T> {
    const label = this.label(title, scope);
    const id = this.live.begin(label);
    const finish = (mark: string): void => {
      const seconds = (this.live.elapsed(id) / 1000).toFixed(1);
      this.live.end(id, `${mark} ${label} ${this.paint(2, `(${seconds}s)`)}`);
    };
    try {
      const value = await run();
      finish(this.paint(32, "✔"));
      return value;
    } catch (err) {
      finish(this.paint(31, "✖"));
      throw err;
    }
  }

  info(message: string): void {
    this.live.print(message);
  }
  warn(message: string): void {
    this.out.writeError(`${this.paint(33, "warning:")} ${redactText(message)}\n`);
  }
  debug(message: string, data?: Record<string, unknown>): void {
    if (!this.debugEnabled) return;
    this.out.writeError(
      `${this.paint(2, `debug: ${redactText(message)}${data ? ` ${redactText(JSON.stringify(data))}` : ""}`)}\n`,
    );
  }
  plan(plan: PlanReport): void {
    const changes = plan.actions.filter((a) => a.kind !== "unchanged" && a.kind !== "skip");
    this.live.print(
      `Plan for ${plan.layer}: ${changes.length === 0 ? "nothing to change" : `${changes.length} change(s)`}`,
    );
    for (const action of plan.actions) {
      const where = action.layer && plan.layer !== action.layer ? `[${action.layer}] ` : "";
      this.live.print(`  ${MARK[action.kind]} ${where}${action.kind} ${action.resource}: ${action.reason}`);
    }
  }
  summary(summary: RunSummary): void {
    const seconds = (summary.ms / 1000).toFixed(1);
    if (!summary.changes.length) {
      this.live.print(`Summary: ${summary.command} changed nothing (${seconds}s)`);
      return;
    }
    this.live.print(`Summary: ${summary.command} made ${summary.changes.length} change(s) in ${seconds}s`);
    for (const c of summary.changes) {
      this.live.print(
        `  ${MARK[c.kind]} ${c.layer ? `[${c.layer}] ` : ""}${c.kind} ${c.resource} ${this.paint(2, `(${(c.ms / 1000).toFixed(1)}s)`)}`,
      );
    }
  }
  check(check: CheckResult): void {
    const mark = { pass: this.paint(32, "pass"), warn: this.paint(33, "warn"), fail: this.paint(31, "FAIL") }[
      check.status
    ];
    const hint = check.hint && check.status !== "pass" ? `\n       ${this.paint(36, "fix:")} ${check.hint}` : "";
    this.live.print(`${mark}  ${check.id}: ${check.detail}${hint}`);
  }
  result(summary: string): void {
    this.live.print(summary);
  }
  error(error: BridgeError, debug: boolean): void {
    const lines = [`${this.paint(31, "error:")} ${error.message}`];
    for (const detail of error.details) lines.push(`  - ${detail}`);
    if (error.hint) lines.push(`${this.paint(36, "fix:")} ${error.hint}`);
    if (debug && error.cause !== undefined) lines.push(this.paint(2, `cause: ${stackOf(error.cause)}`));
    else if (debug) lines.push(this.paint(2, stackOf(error)));
    this.out.writeError(`${redactText(lines.join("\n"))}\n`);
  }
}

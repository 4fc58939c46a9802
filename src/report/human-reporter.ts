import { redactText } from "./redact.js";
import { stackOf } from "./json-reporter.js";
import type { Action, PlanReport, Reporter } from "./reporter.js";
import type { BridgeError } from "../errors.js";

export interface HumanOutput {
  write(text: string): void;
  writeError(text: string): void;
  /** A TTY gets one live line per step; anything else gets plain lines. */
  readonly isTTY: boolean;
  readonly color: boolean;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const MARK: Record<Action["kind"], string> = {
  create: "+",
  update: "~",
  delete: "-",
  adopt: "=",
  skip: "·",
  unchanged: "·",
};

/** Output for people: short lines, a live spinner on a TTY, errors with the fix on stderr. */
export class HumanReporter implements Reporter {
  constructor(
    private readonly out: HumanOutput,
    private readonly debugEnabled: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  private line(text: string): void {
    this.out.write(`${redactText(text)}\n`);
  }
  private paint(code: number, text: string): string {
    return this.out.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  async step<T>(title: string, run: () => Promise<T>): Promise<T> {
    const started = this.now();
    const elapsed = (): string => `${((this.now() - started) / 1000).toFixed(1)}s`;
    let timer: NodeJS.Timeout | undefined;
    if (this.out.isTTY) {
      let frame = 0;
      const draw = (): void =>
        this.out.write(
          `\r\u001b[2K${SPINNER[frame++ % SPINNER.length]} ${redactText(title)} ${this.paint(2, elapsed())}`,
        );
      draw();
      timer = setInterval(draw, 100);
      timer.unref();
    } else {
      this.line(`… ${title}`);
    }
    const finish = (mark: string): void => {
      if (timer) clearInterval(timer);
      if (this.out.isTTY) this.out.write("\r\u001b[2K");
      this.line(`${mark} ${title} ${this.paint(2, `(${elapsed()})`)}`);
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
    this.line(message);
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
    this.line(`Plan for ${plan.layer}: ${changes.length === 0 ? "nothing to change" : `${changes.length} change(s)`}`);
    for (const action of plan.actions)
      this.line(`  ${MARK[action.kind]} ${action.kind} ${action.resource}: ${action.reason}`);
  }
  result(summary: string): void {
    this.line(summary);
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

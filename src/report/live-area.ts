import { redactText } from "./redact.js";

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface LiveOutput {
  write(text: string): void;
  readonly isTTY: boolean;
}

interface Running {
  readonly label: string;
  readonly started: number;
}

/**
 * The bottom of a TTY: one line per running step, all redrawn in place (as `docker compose up`
 * shows its services), with finished lines printed above it. Off a TTY nothing is live: only
 * finished lines are printed, one each.
 */
export class LiveArea {
  private readonly running = new Map<number, Running>();
  private drawn = 0;
  private frame = 0;
  private nextId = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: LiveOutput,
    private readonly now: () => number,
    private readonly dim: (text: string) => string,
  ) {}

  begin(label: string): number {
    const id = this.nextId++;
    this.running.set(id, { label, started: this.now() });
    if (this.out.isTTY) {
      this.redraw();
      if (!this.timer) {
        this.timer = setInterval(() => this.redraw(), 100);
        this.timer.unref();
      }
    }
    return id;
  }

  elapsed(id: number): number {
    const step = this.running.get(id);
    return step ? this.now() - step.started : 0;
  }

  end(id: number, finalLine: string): void {
    this.running.delete(id);
    if (!this.running.size && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.print(finalLine);
  }

  /** A line above the live area (or just a line, off a TTY). */
  print(line: string): void {
    if (!this.out.isTTY) {
      this.out.write(`${redactText(line)}\n`);
      return;
    }
    this.clear();
    this.out.write(`${redactText(line)}\n`);
    this.draw();
  }

  private redraw(): void {
    this.clear();
    this.draw();
  }

  private clear(): void {
    // Up to the first live line, then clear to the end of the screen.
    if (this.drawn) this.out.write(`\u001b[${this.drawn}A\r\u001b[0J`);
    this.drawn = 0;
  }

  private draw(): void {
    const spinner = SPINNER[this.frame++ % SPINNER.length] ?? "";
    for (const step of this.running.values()) {
      const seconds = ((this.now() - step.started) / 1000).toFixed(1);
      this.out.write(`\r\u001b[2K${spinner} ${redactText(step.label)} ${this.dim(`${seconds}s`)}\n`);
    }
    this.drawn = this.running.size;
  }
}

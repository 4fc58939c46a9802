import { BridgeError } from "../../errors.js";
import { seconds } from "../../remote/ssh-host.js";

export type Attempt<T> = { readonly done: T } | { readonly notYet: string };

export interface WaitOptions {
  /** What is waited for, as the timeout message names it ("SSH on adminuser@203.0.113.4:22 to answer"). */
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** The config field that sets the timeout, named in the hint. */
  readonly setting: string;
}

/**
 * Tries until done, an error, or the timeout: the timeout's message says what was waited for, how
 * long, and what the last try saw.
 */
export async function waitFor<T>(options: WaitOptions, attempt: () => Promise<Attempt<T>>): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const outcome = await attempt();
    if ("done" in outcome) return outcome.done;
    const last = outcome.notYet;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new BridgeError(
        `timed out after ${seconds(options.timeoutMs)} waiting for ${options.what} (last: ${last})`,
        {
          code: "VM_WAIT_TIMEOUT",
          hint: `run the command again to keep waiting (what is done is recorded), or raise ${options.setting}; \`oidc-bridge ssh\` shows the VM once it answers`,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs, left)));
  }
}

import { SANDBOX_ENV } from "../constants.js";
import { SandboxError } from "../harness/sandbox-error.js";
import type { RoleRecord } from "./state.js";

/**
 * IAM is eventually consistent: a role STS has not seen yet cannot be assumed, for typically 10–20 s
 * and sometimes a minute or two after CreateRole. SANDBOX_ENV.rolePropagationMs rehearses that
 * window; STS then answers as it does for a role it does not know.
 */

const MAX_MS = 600_000;

/** The window in ms (0 when unset); a value that is not a whole number in range fails loudly. */
export function rolePropagationMs(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env[SANDBOX_ENV.rolePropagationMs]?.trim();
  if (raw === undefined || raw === "") return 0;
  const ms = Number(raw);
  if (!/^\d+$/.test(raw) || ms > MAX_MS) {
    throw new SandboxError(
      "SANDBOX_BAD_SETTING",
      `${SANDBOX_ENV.rolePropagationMs}="${raw}" is not allowed: it must be a whole number from 0 to ${MAX_MS}`,
      `set ${SANDBOX_ENV.rolePropagationMs} to a number of milliseconds, or unset it for none`,
    );
  }
  return ms;
}

/** Whether STS already knows the role: created at least the window ago. */
export function roleVisibleToSts(role: RoleRecord, nowMs: number, windowMs: number): boolean {
  return nowMs - Date.parse(role.createDate) >= windowMs;
}

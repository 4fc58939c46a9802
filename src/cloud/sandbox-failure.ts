import { BridgeError, type ErrorCode } from "../errors.js";
import { checkSandboxSwitches, isSandboxError, type SandboxErrorCode } from "../sandbox/index.js";

// The sandbox's own codes, folded into ours. Everything that stops a sandbox from starting or
// opening is SANDBOX_START_FAILED (exit 2: the message and hint name the switch, port or file to
// fix); a sandbox in the way and a too-old Node keep their own codes.
const CODES: Record<SandboxErrorCode, ErrorCode> = {
  SANDBOX_RUNNING: "SANDBOX_RUNNING",
  SANDBOX_NODE_TOO_OLD: "SANDBOX_NODE_TOO_OLD",
  SANDBOX_BAD_SETTING: "SANDBOX_START_FAILED",
  SANDBOX_BIND_FAILED: "SANDBOX_START_FAILED",
  SANDBOX_CA_EXPIRED: "SANDBOX_START_FAILED",
  SANDBOX_FILE_ERROR: "SANDBOX_START_FAILED",
  SANDBOX_LISTENER_EXISTS: "SANDBOX_START_FAILED",
  SANDBOX_NO_CREDENTIALS: "SANDBOX_START_FAILED",
  SANDBOX_NO_SUCH_SERVICE: "SANDBOX_START_FAILED",
  SANDBOX_PORTS_CORRUPT: "SANDBOX_START_FAILED",
  SANDBOX_PORT_IN_USE: "SANDBOX_START_FAILED",
  SANDBOX_START_FAILED: "SANDBOX_START_FAILED",
  SANDBOX_STATE_CORRUPT: "SANDBOX_START_FAILED",
  SANDBOX_STOPPING: "SANDBOX_START_FAILED",
  SANDBOX_UNSAFE_PATH: "SANDBOX_START_FAILED",
  SANDBOX_WRITE_FAILED: "SANDBOX_START_FAILED",
};

/** Calls the sandbox's front door, turning its errors into ours (same message and hint). */
export async function viaSandbox<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw fromSandbox(err);
  }
}

/** The sandbox switches in `env`, checked before a command creates any folder. */
export function checkSandboxEnv(env: Readonly<Record<string, string | undefined>>): void {
  try {
    checkSandboxSwitches(env);
  } catch (err) {
    throw fromSandbox(err);
  }
}

function fromSandbox(err: unknown): unknown {
  if (!isSandboxError(err)) return err;
  // A full disk is not a sandbox setting to fix: it is the same failure as anywhere else.
  const full = diskFullCause(err);
  if (full) {
    return new BridgeError(`disk full at ${full.path ?? "the sandbox folder"}`, {
      code: "DISK_FULL",
      hint: "free some space (or raise the quota) and run the command again; no file was left half-written",
      cause: err,
    });
  }
  return new BridgeError(err.message, { code: CODES[err.code], hint: err.hint, cause: err });
}

function diskFullCause(err: unknown): { path?: string | undefined } | undefined {
  // Bounded: causes nest a few levels at most.
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const errno = current as NodeJS.ErrnoException;
    if (errno.code === "ENOSPC" || errno.code === "EDQUOT") return { path: errno.path };
    current = current.cause;
  }
  return undefined;
}

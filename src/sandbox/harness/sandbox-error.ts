/** Every code a SandboxError carries; the product maps each to one of its own. */
export type SandboxErrorCode =
  | "SANDBOX_BAD_SETTING"
  | "SANDBOX_BIND_FAILED"
  | "SANDBOX_CA_EXPIRED"
  | "SANDBOX_FILE_ERROR"
  | "SANDBOX_LISTENER_EXISTS"
  | "SANDBOX_NODE_TOO_OLD"
  | "SANDBOX_NO_CREDENTIALS"
  | "SANDBOX_NO_SUCH_SERVICE"
  | "SANDBOX_PORTS_CORRUPT"
  | "SANDBOX_PORT_IN_USE"
  | "SANDBOX_RUNNING"
  | "SANDBOX_START_FAILED"
  | "SANDBOX_STATE_CORRUPT"
  | "SANDBOX_STOPPING"
  | "SANDBOX_UNSAFE_PATH"
  | "SANDBOX_WRITE_FAILED";

/**
 * A failure the person running the sandbox can fix (a bad switch, a port in use, a damaged file).
 * The sandbox imports nothing from the product, so it has its own error type; the product turns it
 * into its own user error where it calls the sandbox's front door.
 */
export class SandboxError extends Error {
  readonly code: SandboxErrorCode;
  /** What to do about it, in one sentence. */
  readonly hint: string | undefined;

  constructor(code: SandboxErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SandboxError";
    this.code = code;
    this.hint = hint;
  }
}

export function isSandboxError(value: unknown): value is SandboxError {
  return value instanceof SandboxError;
}

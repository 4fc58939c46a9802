/**
 * Every failure the user sees is a BridgeError: a stable code, whose fault it is, what to do next,
 * and the cause for `--debug`. SDK errors are wrapped once, in the adapter that called the SDK.
 */
import { ERROR_CODES, type ErrorCode } from "./error-codes.js";

export type { ErrorCode };
export type Fault = "user" | "internal" | "cloud";

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export interface BridgeErrorOptions {
  readonly code: ErrorCode;
  /** Defaults to the code's entry in ERROR_CODES. */
  readonly fault?: Fault;
  readonly hint?: string | undefined;
  readonly cause?: unknown;
  /** Defaults to the code's entry in ERROR_CODES. */
  readonly exitCode?: number;
  /** Structured details for `--json` (e.g. every config problem). */
  readonly details?: readonly string[] | undefined;
}

export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly fault: Fault;
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly details: readonly string[];

  constructor(message: string, options: BridgeErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "BridgeError";
    this.code = options.code;
    this.fault = options.fault ?? ERROR_CODES[options.code].fault;
    this.hint = options.hint;
    this.details = options.details ?? [];
    this.exitCode = options.exitCode ?? ERROR_CODES[options.code].exit;
  }
}

export function userError(code: ErrorCode, message: string, hint?: string, details?: readonly string[]): BridgeError {
  return new BridgeError(message, { code, hint, details });
}

export function isBridgeError(value: unknown): value is BridgeError {
  return value instanceof BridgeError;
}

/** Wraps anything thrown by a cloud call, keeping the cloud's own error code in the message. */
export function cloudError(action: string, cause: unknown, hint?: string): BridgeError {
  const info = describeCause(cause);
  const denied =
    /AccessDenied|AuthorizationFailed|UnauthorizedOperation|Forbidden/i.test(info.code ?? "") || info.status === 403;
  return new BridgeError(`${action} failed: ${info.code ? `${info.code}: ` : ""}${info.message}`, {
    code: denied ? "CLOUD_ACCESS_DENIED" : "CLOUD_CALL_FAILED",
    fault: denied ? "user" : "cloud",
    exitCode: EXIT.failure,
    hint:
      hint ??
      (denied
        ? "the signed-in principal lacks a permission this step needs; grant it, or run with credentials that have it"
        : undefined),
    cause,
  });
}

export function describeCause(cause: unknown): {
  code?: string | undefined;
  message: string;
  status?: number | undefined;
} {
  if (cause && typeof cause === "object") {
    const c = cause as {
      name?: string;
      code?: unknown;
      message?: unknown;
      statusCode?: unknown;
      $metadata?: { httpStatusCode?: number };
    };
    const code = typeof c.code === "string" ? c.code : c.name && c.name !== "Error" ? c.name : undefined;
    const status = typeof c.statusCode === "number" ? c.statusCode : c.$metadata?.httpStatusCode;
    // A thrown non-Error with no message: its own toString (if any) is the only text it has.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    return { code, message: typeof c.message === "string" ? c.message : String(cause), status };
  }
  return { message: String(cause) };
}

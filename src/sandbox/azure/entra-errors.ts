import { randomUUID } from "node:crypto";
import type { SandboxResponse } from "../harness/types.js";

/**
 * Entra's OAuth error body: `error`, an `error_description` starting with the AADSTS code and
 * ending with trace/correlation ids and a timestamp (CRLF-separated), `error_codes`, `timestamp`,
 * `trace_id`, `correlation_id`, `error_uri`.
 */
export function entraError(args: {
  status: number;
  error: string;
  aadsts: number;
  message: string;
  operation: string;
  entraBase: string;
  nowMs: number;
  correlationId?: string | undefined;
}): SandboxResponse {
  const traceId = randomUUID();
  const correlationId = args.correlationId ?? randomUUID();
  const timestamp = entraTimestamp(args.nowMs);
  return {
    status: args.status,
    operation: args.operation,
    headers: { ...entraHeaders(traceId), "client-request-id": correlationId },
    body: {
      error: args.error,
      error_description:
        `AADSTS${args.aadsts}: ${args.message}\r\nTrace ID: ${traceId}\r\n` +
        `Correlation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [args.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${args.entraBase}/error?code=${args.aadsts}`,
    },
  };
}

/** Headers Entra sends on every JSON answer. */
export function entraHeaders(requestId: string = randomUUID()): Record<string, string> {
  return {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store, no-cache",
    Pragma: "no-cache",
    Expires: "-1",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "x-ms-request-id": requestId,
    "x-ms-ests-server": "2.1.sandbox - oidc-bridge",
  };
}

/** "2024-12-03 13:51:30Z", Entra's timestamp format. */
function entraTimestamp(nowMs: number): string {
  return new Date(nowMs)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

/**
 * AADSTS90002. Discovery documents call it `invalid_tenant`; the token endpoint answers the same
 * code as `invalid_request` (real token-endpoint replies), so the caller says which.
 */
export function tenantNotFound(
  tenant: string,
  operation: string,
  entraBase: string,
  nowMs: number,
  error: "invalid_tenant" | "invalid_request" = "invalid_tenant",
): SandboxResponse {
  return entraError({
    status: 400,
    error,
    aadsts: 90002,
    message:
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing ` +
      "into the correct cloud. Check with your subscription administrator, this may happen if there are " +
      "no active subscriptions for the tenant.",
    operation,
    entraBase,
    nowMs,
  });
}

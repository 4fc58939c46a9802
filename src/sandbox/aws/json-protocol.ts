import { randomUUID } from "node:crypto";
import type { SandboxRequest, SandboxResponse } from "../harness/types.js";
import type { AwsProtocol } from "./aws-api.js";
import { AwsApiError, SIGNATURE_MISMATCH } from "./errors.js";
import type { SigV4Failure } from "./sigv4-verify.js";

/** AWS JSON 1.1 (SSM): POST /, `X-Amz-Target: <Prefix>.<Operation>`, JSON in and out. */

export const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

export function jsonTarget(req: SandboxRequest, prefix: string): string | undefined {
  const target = req.headers["x-amz-target"];
  const value = Array.isArray(target) ? target[0] : target;
  if (!value?.startsWith(`${prefix}.`)) return undefined;
  return value.slice(prefix.length + 1);
}

export function parseJsonBody(req: SandboxRequest): Record<string, unknown> {
  const text = req.body.toString("utf8");
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AwsApiError("SerializationException", 400, undefined);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new AwsApiError("SerializationException", 400, "Start of list found where not expected");
  }
  return parsed as Record<string, unknown>;
}

export function jsonResponse(operation: string, requestId: string, body: object, write = false): SandboxResponse {
  return {
    status: 200,
    headers: { "content-type": JSON_CONTENT_TYPE, "x-amzn-RequestId": requestId },
    body: JSON.stringify(body),
    operation,
    write,
  };
}

export function jsonError(operation: string, requestId: string, error: AwsApiError): SandboxResponse {
  const body: Record<string, string> = { __type: error.code };
  if (error.hasMessage) body.message = error.message;
  return {
    status: error.status,
    headers: { "content-type": JSON_CONTENT_TYPE, "x-amzn-RequestId": requestId },
    body: JSON.stringify(body),
    operation,
  };
}

/** Reads a member that must be a string when present; other JSON types are a wire error. */
export function optionalString(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw new AwsApiError("SerializationException", 400, `Unexpected value type for ${name}`);
  return value;
}

export function optionalBoolean(input: Record<string, unknown>, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean")
    throw new AwsApiError("SerializationException", 400, `Unexpected value type for ${name}`);
  return value;
}

export function optionalStringList(input: Record<string, unknown>, name: string): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new AwsApiError("SerializationException", 400, `Unexpected value type for ${name}`);
  }
  return value;
}

export function optionalTags(
  input: Record<string, unknown>,
  name: string,
): Array<{ Key: string; Value: string }> | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AwsApiError("SerializationException", 400, `Unexpected value type for ${name}`);
  return value.map((item: unknown) => {
    const tag = (item ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof tag.Key !== "string" || typeof tag.Value !== "string") {
      throw new AwsApiError("SerializationException", 400, `Unexpected value type for ${name}`);
    }
    return { Key: tag.Key, Value: tag.Value };
  });
}

/** JSON (Coral) services name SigV4 failures differently from query services and answer 400. */
function jsonAuthError(failure: SigV4Failure): AwsApiError {
  switch (failure.kind) {
    case "missing":
      return new AwsApiError("MissingAuthenticationTokenException", 400, "Missing Authentication Token");
    case "incomplete":
      return new AwsApiError("IncompleteSignatureException", 400, failure.message);
    case "unknownKey":
    case "badToken":
      return new AwsApiError(
        "UnrecognizedClientException",
        400,
        "The security token included in the request is invalid.",
      );
    case "expiredToken":
      return new AwsApiError("ExpiredTokenException", 400, "The security token included in the request is expired");
    case "skew":
      return new AwsApiError("InvalidSignatureException", 400, failure.message);
    case "badSignature":
      return new AwsApiError("InvalidSignatureException", 400, failure.message ?? SIGNATURE_MISMATCH);
  }
}

export type JsonInput = Record<string, unknown>;

/** JSON 1.1 for one target prefix ("AmazonSSM"): only POST with a known X-Amz-Target is an operation. */
export function jsonProtocol(targetPrefix: string): AwsProtocol<JsonInput, object> {
  return {
    operationName: (req) => jsonTarget(req, targetPrefix),
    checkOperation: (req, name, known) =>
      name && known && req.method === "POST" ? undefined : new AwsApiError("UnknownOperationException", 400, undefined),
    readInput: parseJsonBody,
    success: (operation, requestId, out, write) => jsonResponse(operation, requestId, out, write),
    error: jsonError,
    authError: jsonAuthError,
    requestId: () => randomUUID(),
  };
}

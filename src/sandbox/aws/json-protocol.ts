import type { SandboxRequest, SandboxResponse } from "../harness/types.js";
import { AwsApiError } from "./errors.js";

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

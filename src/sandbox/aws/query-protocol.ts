import { randomUUID } from "node:crypto";
import type { SandboxRequest, SandboxResponse } from "../harness/types.js";
import type { AwsProtocol } from "./aws-api.js";
import { AwsApiError, SIGNATURE_MISMATCH } from "./errors.js";
import type { SigV4Failure } from "./sigv4-verify.js";
import type { AwsTag } from "./state.js";
import { escapeXml, renderXml, type XmlValue } from "./xml.js";

/**
 * The AWS query protocol (IAM, STS): form-encoded `Action=…&Version=…` parameters, lists as
 * `Name.member.N`, XML answers wrapped in `<ActionResponse><ActionResult>`.
 */

export const IAM_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";
export const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** Request parameters, from the query string and (for POST) the form body, as AWS merges them. */
export function queryParams(req: SandboxRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  const contentType = String(req.headers["content-type"] ?? "");
  if (req.body.length > 0 && (contentType === "" || contentType.startsWith("application/x-www-form-urlencoded"))) {
    for (const [key, value] of new URLSearchParams(req.body.toString("utf8"))) params.append(key, value);
  }
  return params;
}

export class QueryInput {
  constructor(readonly params: URLSearchParams) {}

  get action(): string | undefined {
    return this.params.get("Action") ?? undefined;
  }

  str(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  int(name: string, field: string): number | undefined {
    const text = this.params.get(name);
    if (text === null) return undefined;
    if (!/^-?\d+$/.test(text.trim())) {
      throw new AwsApiError(
        "ValidationError",
        400,
        `1 validation error detected: Value '${text}' at '${field}' failed to satisfy constraint: Member must be a number`,
      );
    }
    return Number(text);
  }

  /** `Name.member.1`, `Name.member.2`, … in index order; `Name=` alone is an empty list. */
  list(name: string): string[] | undefined {
    const prefix = `${name}.member.`;
    const entries: Array<[number, string]> = [];
    for (const [key, value] of this.params) {
      if (!key.startsWith(prefix)) continue;
      const index = Number(key.slice(prefix.length));
      if (Number.isInteger(index)) entries.push([index, value]);
    }
    if (entries.length === 0) return this.params.has(name) ? [] : undefined;
    return entries.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
  }

  /** One field of a list of structures: `Name.member.N.<field>` in index order. */
  memberField(name: string, field: string): string[] | undefined {
    const pattern = new RegExp(`^${name}\\.member\\.(\\d+)\\.${field}$`);
    const entries: Array<[number, string]> = [];
    for (const [key, value] of this.params) {
      const m = pattern.exec(key);
      if (m) entries.push([Number(m[1]), value]);
    }
    if (entries.length === 0) return this.params.has(name) ? [] : undefined;
    return entries.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
  }

  /** `Tags.member.N.Key` / `.Value`. A tag without Value gets "" as the SDK omits empty values. */
  tags(name: string): AwsTag[] | undefined {
    const prefix = `${name}.member.`;
    const byIndex = new Map<number, { Key?: string; Value?: string }>();
    for (const [key, value] of this.params) {
      if (!key.startsWith(prefix)) continue;
      const [indexText, field] = key.slice(prefix.length).split(".");
      const index = Number(indexText);
      if (!Number.isInteger(index) || (field !== "Key" && field !== "Value")) continue;
      const tag = byIndex.get(index) ?? {};
      tag[field] = value;
      byIndex.set(index, tag);
    }
    if (byIndex.size === 0) return this.params.has(name) ? [] : undefined;
    return [...byIndex.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, tag]) => ({ Key: tag.Key ?? "", Value: tag.Value ?? "" }));
  }
}

export function queryResponse(
  namespace: string,
  action: string,
  requestId: string,
  result: XmlValue | undefined,
  write = false,
): SandboxResponse {
  const resultXml = result === undefined ? "" : `<${action}Result>${renderXml(result)}</${action}Result>`;
  const body =
    `<${action}Response xmlns="${namespace}">\n  ${resultXml}\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`;
  return {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body,
    operation: action,
    write,
  };
}

export function queryError(
  namespace: string,
  operation: string,
  requestId: string,
  error: AwsApiError,
): SandboxResponse {
  const body =
    `<ErrorResponse xmlns="${namespace}">\n  <Error>\n    <Type>${error.fault}</Type>\n` +
    `    <Code>${escapeXml(error.code)}</Code>\n    <Message>${escapeXml(error.message)}</Message>\n  </Error>\n` +
    `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
  return {
    status: error.status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body,
    operation,
  };
}

/** Query-protocol services answer authentication failures with 403s named like this. */
function queryAuthError(failure: SigV4Failure): AwsApiError {
  switch (failure.kind) {
    case "missing":
      return new AwsApiError("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
    case "incomplete":
      return new AwsApiError("IncompleteSignature", 400, failure.message);
    case "unknownKey":
    case "badToken":
      return new AwsApiError("InvalidClientTokenId", 403, "The security token included in the request is invalid.");
    case "expiredToken":
      return new AwsApiError("ExpiredToken", 403, "The security token included in the request is expired");
    case "skew":
      return new AwsApiError("SignatureDoesNotMatch", 403, failure.message);
    case "badSignature":
      return new AwsApiError("SignatureDoesNotMatch", 403, failure.message ?? SIGNATURE_MISMATCH);
  }
}

/** What a query operation returns: the content of `<ActionResult>`, if any. */
export interface QueryOpResult {
  result?: XmlValue;
}

/** The query protocol of one API version (IAM 2010-05-08, STS 2011-06-15). */
export function queryProtocol(namespace: string, version: string): AwsProtocol<QueryInput, QueryOpResult> {
  return {
    operationName: (req) => queryParams(req).get("Action") ?? undefined,
    checkOperation(req, name, known) {
      if (!name) return new AwsApiError("MissingAction", 400, "Missing Action");
      const given = queryParams(req).get("Version");
      if (known && given === version) return undefined;
      return new AwsApiError(
        "InvalidAction",
        400,
        `Could not find operation ${name} for version ${given ?? "NO_VERSION_SPECIFIED"}`,
      );
    },
    readInput: (req) => new QueryInput(queryParams(req)),
    success: (operation, requestId, out, write) => queryResponse(namespace, operation, requestId, out.result, write),
    error: (operation, requestId, error) => queryError(namespace, operation, requestId, error),
    authError: queryAuthError,
    requestId: () => randomUUID(),
  };
}

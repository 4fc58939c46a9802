import type { SandboxRequest, SandboxResponse } from "../harness/types.js";
import { AwsApiError } from "./errors.js";
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

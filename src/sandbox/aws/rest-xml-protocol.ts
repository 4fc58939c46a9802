import { randomBytes } from "node:crypto";
import type { SandboxRequest } from "../harness/types.js";
import type { AwsProtocol } from "./aws-api.js";
import { AwsApiError } from "./errors.js";
import { s3Address } from "./s3-addressing.js";
import type { SigV4Failure } from "./sigv4-verify.js";
import { escapeXml, renderXml, S3_XML, type XmlValue } from "./xml.js";

/**
 * S3's REST-XML: the operation is the HTTP method on a resource (the service, a bucket, an
 * object) plus an optional sub-resource in the query (`?location`); answers are bare XML
 * documents, errors `<Error><Code>…</Code><Message>…</Message>…<RequestId>…</RequestId></Error>`.
 */

export const S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export interface S3Route {
  readonly operation: string;
  readonly method: string;
  readonly scope: "service" | "bucket" | "object";
  /** A query parameter that selects the operation (`location` for GetBucketLocation). */
  readonly subresource?: string;
}

export interface S3Input {
  readonly bucket?: string;
  readonly key?: string;
  readonly query: URLSearchParams;
}

export interface RestXmlResult {
  /** The document's root element and its content; no body without it. */
  readonly root?: string;
  readonly body?: XmlValue;
  readonly headers?: Readonly<Record<string, string>>;
}

function scopeOf(input: S3Input): S3Route["scope"] {
  return input.key !== undefined ? "object" : input.bucket !== undefined ? "bucket" : "service";
}

function readS3Input(req: SandboxRequest): S3Input {
  return { ...s3Address(req), query: req.query };
}

/** S3's own names for SigV4 failures: different codes from every other service. */
function s3AuthError(failure: SigV4Failure): AwsApiError {
  switch (failure.kind) {
    case "missing":
      return new AwsApiError("AccessDenied", 403, "Access Denied");
    case "incomplete":
      return new AwsApiError(
        "AuthorizationHeaderMalformed",
        400,
        `The authorization header is malformed; ${failure.message}`,
      );
    case "unknownKey":
      return new AwsApiError(
        "InvalidAccessKeyId",
        403,
        "The AWS Access Key Id you provided does not exist in our records.",
        undefined,
        {
          AWSAccessKeyId: failure.accessKeyId,
        },
      );
    case "badToken":
      return new AwsApiError("InvalidToken", 400, "The provided token is malformed or otherwise invalid.");
    case "expiredToken":
      return new AwsApiError("ExpiredToken", 400, "The provided token has expired.");
    case "skew":
      return new AwsApiError(
        "RequestTimeTooSkewed",
        403,
        "The difference between the request time and the current time is too large.",
      );
    case "badSignature":
      return new AwsApiError(
        "SignatureDoesNotMatch",
        403,
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
      );
  }
}

function headers(requestId: string): Record<string, string> {
  return {
    "content-type": "application/xml",
    "x-amz-request-id": requestId,
    // S3's second request id: opaque base64, asked for in support cases.
    "x-amz-id-2": randomBytes(48).toString("base64"),
  };
}

export function restXmlProtocol(routes: readonly S3Route[]): AwsProtocol<S3Input, RestXmlResult> {
  return {
    operationName(req) {
      const input = readS3Input(req);
      const scope = scopeOf(input);
      const route = routes.find(
        (r) =>
          r.method === req.method &&
          r.scope === scope &&
          (r.subresource === undefined || input.query.has(r.subresource)),
      );
      return route?.operation;
    },
    checkOperation: (_req, _name, known) =>
      known
        ? undefined
        : new AwsApiError("NotImplemented", 501, "A header you provided implies functionality that is not implemented"),
    readInput: readS3Input,
    success(operation, requestId, out) {
      const body =
        out.root === undefined
          ? ""
          : `${XML_DECLARATION}<${out.root} xmlns="${S3_NAMESPACE}">${renderXml(out.body, S3_XML)}</${out.root}>`;
      return { status: 200, headers: { ...headers(requestId), ...out.headers }, body, operation };
    },
    error(operation, requestId, error) {
      const details = Object.entries(error.details)
        .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
        .join("");
      const body =
        `${XML_DECLARATION}<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
        `${details}<RequestId>${requestId}</RequestId><HostId>${randomBytes(48).toString("base64")}</HostId></Error>`;
      return { status: error.status, headers: headers(requestId), body, operation };
    },
    authError: s3AuthError,
    // S3 request ids are 16 upper-case hex digits.
    requestId: () => randomBytes(8).toString("hex").toUpperCase(),
  };
}

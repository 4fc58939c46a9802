import type { AwsApi } from "./aws-api.js";
import { AwsApiError } from "./errors.js";
import { inlinePolicyOperations } from "./iam-inline-policies.js";
import { listRolesOperations } from "./iam-list-roles.js";
import { oidcProviderOperations } from "./iam-oidc-providers.js";
import { rolePolicyOperations } from "./iam-role-policies.js";
import { roleOperations } from "./iam-roles.js";
import { jsonProtocol, type JsonInput } from "./json-protocol.js";
import { IAM_NAMESPACE, queryProtocol, STS_NAMESPACE, type QueryInput, type QueryOpResult } from "./query-protocol.js";
import { restXmlProtocol, type RestXmlResult, type S3Input } from "./rest-xml-protocol.js";
import { s3Operations, S3_ROUTES } from "./s3.js";
import { ssmOperations } from "./ssm.js";
import { stsOperations } from "./sts.js";

/** The AWS APIs the sandbox serves, each a protocol and a table of operations. */

const unavailable = (): AwsApiError =>
  new AwsApiError("ServiceUnavailable", 503, "Service is unavailable. Please try again later.");

export const IAM_API: AwsApi<QueryInput, QueryOpResult> = {
  signingName: "iam",
  protocol: queryProtocol(IAM_NAMESPACE, "2010-05-08"),
  operations: {
    ...oidcProviderOperations,
    ...roleOperations,
    ...listRolesOperations,
    ...rolePolicyOperations,
    ...inlinePolicyOperations,
  },
  unsigned: new Set(),
  neverDenied: new Set(),
  accessDenied: (message) => new AwsApiError("AccessDenied", 403, message),
  faults: {
    // IAM's model names its 500 ServiceFailure; query APIs throttle with a 400.
    internal: () => new AwsApiError("ServiceFailure", 500, "An internal error occurred.", "Receiver"),
    throttle: () => new AwsApiError("Throttling", 400, "Rate exceeded"),
    unavailable,
  },
};

export const STS_API: AwsApi<QueryInput, QueryOpResult> = {
  signingName: "sts",
  protocol: queryProtocol(STS_NAMESPACE, "2011-06-15"),
  operations: stsOperations,
  unsigned: new Set(["AssumeRoleWithWebIdentity"]),
  // GetCallerIdentity needs no permission in AWS: no policy can deny it.
  neverDenied: new Set(["sts:GetCallerIdentity"]),
  accessDenied: (message) => new AwsApiError("AccessDenied", 403, message),
  faults: {
    internal: () => new AwsApiError("InternalFailure", 500, "An internal error occurred.", "Receiver"),
    throttle: () => new AwsApiError("Throttling", 400, "Rate exceeded"),
    unavailable,
  },
};

export const SSM_API: AwsApi<JsonInput, object> = {
  signingName: "ssm",
  protocol: jsonProtocol("AmazonSSM"),
  operations: ssmOperations,
  unsigned: new Set(),
  neverDenied: new Set(),
  accessDenied: (message) => new AwsApiError("AccessDeniedException", 400, message),
  faults: {
    internal: () => new AwsApiError("InternalServerError", 500, "An internal error occurred."),
    throttle: () => new AwsApiError("ThrottlingException", 400, "Rate exceeded"),
    unavailable,
  },
};

export const S3_API: AwsApi<S3Input, RestXmlResult> = {
  signingName: "s3",
  protocol: restXmlProtocol(S3_ROUTES),
  operations: s3Operations,
  unsigned: new Set(),
  neverDenied: new Set(),
  accessDenied: (message) => new AwsApiError("AccessDenied", 403, message),
  faults: {
    internal: () => new AwsApiError("InternalError", 500, "We encountered an internal error. Please try again."),
    // S3 throttles with 503 SlowDown, not 429.
    throttle: () => new AwsApiError("SlowDown", 503, "Please reduce your request rate."),
    unavailable: () => new AwsApiError("ServiceUnavailable", 503, "Service is unable to handle request."),
  },
};

import { randomUUID } from "node:crypto";
import type { SandboxRequest, SandboxResponse, SandboxService, ServiceContext } from "../harness/types.js";
import { accessDeniedMessage, isDenied } from "./access.js";
import { AwsApiError } from "./errors.js";
import type { QueryOperation } from "./iam-common.js";
import { oidcProviderOperations } from "./iam-oidc-providers.js";
import { rolePolicyOperations } from "./iam-role-policies.js";
import { roleOperations } from "./iam-roles.js";
import { jsonError, jsonResponse, jsonTarget, parseJsonBody } from "./json-protocol.js";
import { IAM_NAMESPACE, queryError, queryParams, queryResponse, QueryInput, STS_NAMESPACE } from "./query-protocol.js";
import { verifySigV4, type SigV4Failure, type SigningSecret } from "./sigv4-verify.js";
import { ssmOperations } from "./ssm.js";
import { initAwsState, SANDBOX_USER_ARN, type AwsState } from "./state.js";
import { NOT_AUTHORIZED_WEB_IDENTITY, stsOperations } from "./sts.js";

/**
 * The AWS side of the sandbox: IAM and STS (query protocol) and SSM (JSON 1.1), each on its own
 * plain-HTTP listener, sharing one account state. Every request is authenticated with SigV4
 * against the key generated on first start, except the calls AWS itself accepts unsigned.
 */

/** Typical real durations (ms): IAM writes are slow and global, reads and SSM are quick. */
const LATENCY_MS: Record<string, number> = {
  CreateOpenIDConnectProvider: 700,
  DeleteOpenIDConnectProvider: 500,
  AddClientIDToOpenIDConnectProvider: 450,
  RemoveClientIDFromOpenIDConnectProvider: 450,
  UpdateOpenIDConnectProviderThumbprint: 450,
  TagOpenIDConnectProvider: 400,
  UntagOpenIDConnectProvider: 400,
  GetOpenIDConnectProvider: 100,
  ListOpenIDConnectProviders: 120,
  ListOpenIDConnectProviderTags: 100,
  CreateRole: 600,
  GetRole: 100,
  UpdateAssumeRolePolicy: 500,
  UpdateRole: 400,
  DeleteRole: 500,
  TagRole: 350,
  UntagRole: 350,
  ListRoleTags: 100,
  AttachRolePolicy: 450,
  DetachRolePolicy: 450,
  ListAttachedRolePolicies: 110,
  GetPolicy: 90,
  GetPolicyVersion: 90,
  GetCallerIdentity: 80,
  AssumeRoleWithWebIdentity: 300,
  PutParameter: 150,
  GetParameter: 60,
  DeleteParameter: 100,
  AddTagsToResource: 100,
  RemoveTagsFromResource: 100,
  ListTagsForResource: 80,
};

interface QueryApi {
  readonly service: "iam" | "sts";
  readonly namespace: string;
  readonly version: string;
  readonly operations: Readonly<Record<string, QueryOperation>>;
  /** Code of the service's own 500 (IAM models ServiceFailure; STS answers InternalFailure). */
  readonly internalErrorCode: string;
  /** Actions AWS accepts without a signature. */
  readonly unsigned: ReadonlySet<string>;
}

const IAM_API: QueryApi = {
  service: "iam",
  namespace: IAM_NAMESPACE,
  version: "2010-05-08",
  operations: { ...oidcProviderOperations, ...roleOperations, ...rolePolicyOperations },
  internalErrorCode: "ServiceFailure",
  unsigned: new Set(),
};

const STS_API: QueryApi = {
  service: "sts",
  namespace: STS_NAMESPACE,
  version: "2011-06-15",
  operations: stsOperations,
  internalErrorCode: "InternalFailure",
  unsigned: new Set(["AssumeRoleWithWebIdentity"]),
};

/** GetCallerIdentity needs no permission in AWS: no policy can deny it. */
const NEVER_DENIED = new Set(["sts:GetCallerIdentity"]);

interface Caller {
  arn: string;
  userId: string;
  region: string;
}

function lookupSecret(state: AwsState): (accessKeyId: string) => SigningSecret | undefined {
  return (accessKeyId) => {
    if (accessKeyId === state.credentials.accessKeyId) return { secretAccessKey: state.credentials.secretAccessKey };
    const session = state.sessions[accessKeyId];
    if (!session) return undefined;
    return {
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: session.expiration,
    };
  };
}

function callerFor(state: AwsState, accessKeyId: string, region: string): Caller {
  const session = state.sessions[accessKeyId];
  if (session) return { arn: session.assumedRoleArn, userId: session.assumedRoleId, region };
  return { arn: SANDBOX_USER_ARN, userId: state.credentials.userId, region };
}

/** Query-protocol services answer authentication failures with 403s named like this. */
function queryAuthError(failure: SigV4Failure): AwsApiError {
  switch (failure.kind) {
    case "missing":
      return new AwsApiError("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
    case "incomplete":
      return new AwsApiError("IncompleteSignature", 400, failure.message);
    case "unknownKey":
      return new AwsApiError("InvalidClientTokenId", 403, "The security token included in the request is invalid.");
    case "expiredToken":
      return new AwsApiError("ExpiredToken", 403, "The security token included in the request is expired");
    case "skew":
      return new AwsApiError("SignatureDoesNotMatch", 403, failure.message);
    case "badSignature":
      return new AwsApiError("SignatureDoesNotMatch", 403, failure.message ?? SIGNATURE_MISMATCH);
  }
}

/** JSON (Coral) services name the same failures differently and answer 400. */
function jsonAuthError(failure: SigV4Failure): AwsApiError {
  switch (failure.kind) {
    case "missing":
      return new AwsApiError("MissingAuthenticationTokenException", 400, "Missing Authentication Token");
    case "incomplete":
      return new AwsApiError("IncompleteSignatureException", 400, failure.message);
    case "unknownKey":
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

const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

async function handleQuery(api: QueryApi, req: SandboxRequest, ctx: ServiceContext): Promise<SandboxResponse> {
  const requestId = randomUUID();
  const state = ctx.state(initAwsState);
  const input = new QueryInput(queryParams(req));
  const action = input.action;
  const operationName = action ?? "Unknown";
  const fail = (err: AwsApiError): SandboxResponse => queryError(api.namespace, operationName, requestId, err);
  try {
    let caller: Caller = { arn: "", userId: "", region: "us-east-1" };
    if (!(action && api.unsigned.has(action))) {
      const auth = await verifySigV4(req, api.service, lookupSecret(state), ctx.now());
      if (!auth.ok) return fail(queryAuthError(auth));
      caller = callerFor(state, auth.accessKeyId, auth.region);
    }
    if (!action) return fail(new AwsApiError("MissingAction", 400, "Missing Action"));
    const version = input.str("Version");
    const operation = api.operations[action];
    if (!operation || version !== api.version) {
      return fail(
        new AwsApiError(
          "InvalidAction",
          400,
          `Could not find operation ${action} for version ${version ?? "NO_VERSION_SPECIFIED"}`,
        ),
      );
    }
    const qualified = `${api.service}:${action}`;
    if (!NEVER_DENIED.has(qualified) && isDenied(ctx.env, qualified)) {
      const message = api.unsigned.has(action)
        ? NOT_AUTHORIZED_WEB_IDENTITY
        : accessDeniedMessage(caller.arn, qualified, operation.resource(input));
      return fail(new AwsApiError("AccessDenied", 403, message));
    }
    const { result } = await operation.run({
      state,
      input,
      now: ctx.now(),
      region: caller.region,
      callerArn: caller.arn,
      callerUserId: caller.userId,
      caPem: ctx.caPem,
    });
    // Sessions issued by STS are state too, though not "writes" of the account.
    if (operation.write || action === "AssumeRoleWithWebIdentity") await ctx.save();
    return queryResponse(api.namespace, action, requestId, result, operation.write);
  } catch (err) {
    if (err instanceof AwsApiError) return fail(err);
    return fail(new AwsApiError(api.internalErrorCode, 500, "An internal error occurred.", "Receiver"));
  } finally {
    await ctx.latency(operationName);
  }
}

async function handleSsm(req: SandboxRequest, ctx: ServiceContext): Promise<SandboxResponse> {
  const requestId = randomUUID();
  const state = ctx.state(initAwsState);
  const target = jsonTarget(req, "AmazonSSM");
  const operationName = target ?? "Unknown";
  const fail = (err: AwsApiError): SandboxResponse => jsonError(operationName, requestId, err);
  try {
    const auth = await verifySigV4(req, "ssm", lookupSecret(state), ctx.now());
    if (!auth.ok) return fail(jsonAuthError(auth));
    const operation = target !== undefined ? ssmOperations[target] : undefined;
    if (!target || !operation || req.method !== "POST")
      return fail(new AwsApiError("UnknownOperationException", 400, undefined));
    const input = parseJsonBody(req);
    const caller = callerFor(state, auth.accessKeyId, auth.region);
    const qualified = `ssm:${target}`;
    if (isDenied(ctx.env, qualified)) {
      return fail(
        new AwsApiError(
          "AccessDeniedException",
          400,
          accessDeniedMessage(caller.arn, qualified, operation.resource(input, auth.region)),
        ),
      );
    }
    const body = operation.run({ state, input, now: ctx.now(), region: auth.region });
    if (operation.write) await ctx.save();
    return jsonResponse(target, requestId, body, operation.write);
  } catch (err) {
    if (err instanceof AwsApiError) return fail(err);
    return fail(new AwsApiError("InternalServerError", 500, "An internal error occurred."));
  } finally {
    await ctx.latency(operationName);
  }
}

/** Injected faults, each in the listener's own wire shape: AWS throttles query APIs with a 400. */
function faultResponse(listener: string, status: 429 | 500 | 503): SandboxResponse {
  const requestId = randomUUID();
  const operation = "InjectedFault";
  if (listener === "ssm") {
    if (status === 429)
      return jsonError(operation, requestId, new AwsApiError("ThrottlingException", 400, "Rate exceeded"));
    if (status === 500)
      return jsonError(
        operation,
        requestId,
        new AwsApiError("InternalServerError", 500, "An internal error occurred."),
      );
    return jsonError(
      operation,
      requestId,
      new AwsApiError("ServiceUnavailable", 503, "Service is unavailable. Please try again later."),
    );
  }
  const api = listener === "sts" ? STS_API : IAM_API;
  if (status === 429)
    return queryError(api.namespace, operation, requestId, new AwsApiError("Throttling", 400, "Rate exceeded"));
  if (status === 500)
    return queryError(
      api.namespace,
      operation,
      requestId,
      new AwsApiError(api.internalErrorCode, 500, "An internal error occurred."),
    );
  return queryError(
    api.namespace,
    operation,
    requestId,
    new AwsApiError("ServiceUnavailable", 503, "Service is unavailable. Please try again later."),
  );
}

export function createAwsService(): SandboxService {
  return {
    name: "aws",
    listeners: [
      { name: "iam", tls: false },
      { name: "sts", tls: false },
      { name: "ssm", tls: false },
    ],
    latencyMs: LATENCY_MS,
    faultResponse,
    async start(ctx) {
      // Creates the access key on first start so that the CLI can read it before any request.
      ctx.state(initAwsState);
      await ctx.save();
    },
    handle(req, ctx) {
      switch (req.listener) {
        case "iam":
          return handleQuery(IAM_API, req, ctx);
        case "sts":
          return handleQuery(STS_API, req, ctx);
        default:
          return handleSsm(req, ctx);
      }
    },
  };
}

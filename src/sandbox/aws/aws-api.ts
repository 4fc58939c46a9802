import type { SandboxRequest, SandboxResponse } from "../harness/types.js";
import type { AwsApiError } from "./errors.js";
import type { SigV4Failure } from "./sigv4-verify.js";
import type { AwsState } from "./state.js";

/**
 * What an emulated AWS API is made of: a wire protocol (query, JSON 1.1, REST-XML) and a table of
 * operations. Authentication, the deny switch, saving and error rendering happen once, in
 * `handleAwsRequest`, for every API alike.
 */

/** What every operation sees; `In` is its protocol's parsed input. */
export interface OperationContext<In> {
  readonly state: AwsState;
  readonly input: In;
  readonly now: number;
  /** Signing region of the request (IAM is global; STS and S3's ListBuckets report it nowhere). */
  readonly region: string;
  /** ARN of the signed-in caller, for messages and GetCallerIdentity ("" when unsigned). */
  readonly callerArn: string;
  readonly callerUserId: string;
  readonly caPem: string;
  /** The sandbox's environment switches. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface AwsOperation<In, Out> {
  /** Changes the account: the pipeline saves after it and the journal counts it as a write. */
  readonly write: boolean;
  /** Changes stored state that is not the account (STS sessions): saved, not counted as a write. */
  readonly persists?: boolean;
  /** The IAM action when it is not `<signing name>:<operation>` (S3 ListBuckets is s3:ListAllMyBuckets). */
  readonly action?: string;
  /** The deny switch's wording for this operation when it is not IAM's identity-policy message. */
  readonly deniedMessage?: string;
  /** The target's ARN: what identity policies are evaluated against and AccessDenied names. */
  resource(input: In, region: string, state: AwsState): string;
  /** False for actions with no resource type (s3:ListAllMyBuckets): AWS's denials then name no resource. */
  readonly namesResource?: false;
  run(ctx: OperationContext<In>): Out | Promise<Out>;
}

/** One wire protocol: how a request names its operation and input, and how answers look. */
export interface AwsProtocol<In, Out> {
  /** The operation the request names, readable before authentication (unsigned calls are known by name). */
  operationName(req: SandboxRequest): string | undefined;
  /** The protocol's refusal of a request naming no operation it serves; must refuse when `known` is false. */
  checkOperation(req: SandboxRequest, name: string | undefined, known: boolean): AwsApiError | undefined;
  /** Parses the input; a malformed body is the protocol's own error. */
  readInput(req: SandboxRequest): In;
  success(operation: string, requestId: string, out: Out, write: boolean): SandboxResponse;
  error(operation: string, requestId: string, error: AwsApiError): SandboxResponse;
  /** The service family's names for SigV4 failures (query, Coral JSON and S3 all differ). */
  authError(failure: SigV4Failure): AwsApiError;
  /** A fresh request id in the service's format. */
  requestId(): string;
}

export interface AwsApi<In, Out> {
  /** SigV4 service name, also the prefix of IAM action names ("iam", "sts", "ssm", "s3"). */
  readonly signingName: string;
  readonly protocol: AwsProtocol<In, Out>;
  readonly operations: Readonly<Record<string, AwsOperation<In, Out>>>;
  /** Operations AWS accepts without a signature. */
  readonly unsigned: ReadonlySet<string>;
  /** Actions no policy can deny (sts:GetCallerIdentity). */
  readonly neverDenied: ReadonlySet<string>;
  /** The service's error for an action the identity may not call. */
  accessDenied(message: string): AwsApiError;
  /** The service's own 500, and its answers to injected throttles and outages. */
  readonly faults: {
    readonly internal: () => AwsApiError;
    readonly throttle: () => AwsApiError;
    readonly unavailable: () => AwsApiError;
  };
}

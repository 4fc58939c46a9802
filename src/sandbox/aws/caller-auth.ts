import type { SandboxRequest } from "../harness/types.js";
import { verifySigV4, type SigningSecret, type SigV4Failure } from "./sigv4-verify.js";
import { SANDBOX_USER_ARN, type AwsState, type SessionRecord } from "./state.js";

/**
 * Who signed a request: the sandbox's long-term key (an IAM user) or temporary credentials that
 * AssumeRoleWithWebIdentity issued (an assumed-role session, which must present its session token).
 */

export interface Caller {
  readonly arn: string;
  readonly userId: string;
  /** The region of the request's credential scope. */
  readonly region: string;
  /** Set for temporary credentials: the session whose role's policies decide each call. */
  readonly session?: SessionRecord;
}

/** The caller of an unsigned request: nobody, in the region AWS's global endpoints use. */
export const ANONYMOUS: Caller = { arn: "", userId: "", region: "us-east-1" };

export type Authentication = { readonly ok: true; readonly caller: Caller } | ({ readonly ok: false } & SigV4Failure);

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
  if (session) return { arn: session.assumedRoleArn, userId: session.assumedRoleId, region, session };
  return { arn: SANDBOX_USER_ARN, userId: state.credentials.userId, region };
}

export async function authenticate(
  req: SandboxRequest,
  signingName: string,
  state: AwsState,
  nowMs: number,
): Promise<Authentication> {
  const result = await verifySigV4(req, signingName, lookupSecret(state), nowMs);
  if (!result.ok) return result;
  return { ok: true, caller: callerFor(state, result.accessKeyId, result.region) };
}

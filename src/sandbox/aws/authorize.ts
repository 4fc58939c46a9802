import type { DenialReason } from "./access.js";
import { evaluateStatements, parseStoredPolicy, type Decision, type IdentityStatement } from "./identity-policy.js";
import { findManagedPolicy } from "./managed-policies.js";
import { ACCOUNT_ID, type AwsState, type RoleRecord, type SessionRecord } from "./state.js";

/**
 * What an assumed-role session may do: the role's identity-based policies (attached managed
 * policies with their real documents, inline policies), limited by its permissions boundary when
 * it has one, evaluated against the request context AWS builds for temporary credentials.
 */

export type SessionDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: DenialReason };

/** The session belongs to the role id it was issued for: a role deleted and re-created is another role. */
function sessionRole(state: AwsState, session: SessionRecord): RoleRecord | undefined {
  const roleId = session.assumedRoleId.split(":")[0];
  return Object.values(state.roles).find((r) => r.roleId === roleId);
}

async function identityStatements(role: RoleRecord): Promise<IdentityStatement[]> {
  const statements: IdentityStatement[] = [];
  for (const arn of role.attachedPolicyArns) {
    const policy = await findManagedPolicy(arn);
    if (policy) statements.push(...parseStoredPolicy(policy.document, arn));
  }
  for (const [name, text] of Object.entries(role.inlinePolicies ?? {})) {
    statements.push(...parseStoredPolicy(text, `${role.roleName}/${name}`));
  }
  return statements;
}

/** The global condition keys AWS sets for a request signed with web-identity session credentials. */
function requestContext(
  role: RoleRecord,
  session: SessionRecord,
  region: string,
  nowMs: number,
): Map<string, string[]> {
  const context = new Map<string, string[]>([
    ["aws:PrincipalArn", [role.arn]],
    ["aws:PrincipalAccount", [ACCOUNT_ID]],
    ["aws:PrincipalType", ["AssumedRole"]],
    ["aws:userid", [session.assumedRoleId]],
    ["aws:SecureTransport", ["true"]],
    ["aws:CurrentTime", [new Date(nowMs).toISOString()]],
    ["aws:EpochTime", [String(Math.floor(nowMs / 1000))]],
    ["aws:RequestedRegion", [region]],
    // Present (false) for every temporary credential without MFA.
    ["aws:MultiFactorAuthPresent", ["false"]],
    ["aws:ViaAWSService", ["false"]],
    ["aws:PrincipalIsAWSService", ["false"]],
  ]);
  if (session.issuedAt) context.set("aws:TokenIssueTime", [session.issuedAt]);
  if (session.providerArn) context.set("aws:FederatedProvider", [session.providerArn]);
  for (const tag of role.tags) context.set(`aws:PrincipalTag/${tag.Key}`, [tag.Value]);
  return context;
}

export async function authorizeSession(
  state: AwsState,
  session: SessionRecord,
  action: string,
  resource: string,
  region: string,
  nowMs: number,
): Promise<SessionDecision> {
  const role = sessionRole(state, session);
  if (!role) return { allowed: false, reason: "identity" };
  const request = { action, resource, context: requestContext(role, session, region, nowMs) };
  const identity: Decision = evaluateStatements(await identityStatements(role), request);
  if (identity === "explicitDeny") return { allowed: false, reason: "explicit" };
  if (identity === "implicitDeny") return { allowed: false, reason: "identity" };
  if (role.permissionsBoundaryArn !== undefined) {
    const boundary = await findManagedPolicy(role.permissionsBoundaryArn);
    const decision = boundary
      ? evaluateStatements(parseStoredPolicy(boundary.document, boundary.arn), request)
      : "implicitDeny";
    if (decision === "explicitDeny") return { allowed: false, reason: "explicit" };
    if (decision === "implicitDeny") return { allowed: false, reason: "boundary" };
  }
  return { allowed: true };
}

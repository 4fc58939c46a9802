import { AwsApiError, ConstraintCheck } from "./errors.js";
import { POLICY_TEXT_PATTERN, type QueryOperation } from "./iam-common.js";
import { providerArn } from "./iam-oidc-providers.js";
import { findRoleByArn } from "./iam-roles.js";
import { rolePropagationMs, roleVisibleToSts } from "./propagation.js";
import { parseTrustPolicy, trustPolicyAllows } from "./policy-document.js";
import { ACCOUNT_ID, PARTITION, secretKey, sessionToken, uniqueId, type AwsState } from "./state.js";
import { verifyWebIdentityToken } from "./web-identity.js";

/** STS: who am I, and web identity federation into a role. */

export const NOT_AUTHORIZED_WEB_IDENTITY = "Not authorized to perform sts:AssumeRoleWithWebIdentity";

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * An expired session keeps answering ExpiredToken (not InvalidClientTokenId, as for a key STS never
 * issued) for a day after it ended; only then is it forgotten, so the state file stays small.
 */
const EXPIRED_SESSION_KEPT_MS = 24 * 3600 * 1000;

function pruneExpiredSessions(state: AwsState, nowMs: number): void {
  for (const [key, session] of Object.entries(state.sessions)) {
    if (Date.parse(session.expiration) + EXPIRED_SESSION_KEPT_MS <= nowMs) delete state.sessions[key];
  }
}

export const stsOperations: Record<string, QueryOperation> = {
  GetCallerIdentity: {
    write: false,
    resource: () => "*",
    run: ({ callerArn, callerUserId }) => ({ result: { UserId: callerUserId, Account: ACCOUNT_ID, Arn: callerArn } }),
  },

  AssumeRoleWithWebIdentity: {
    // Changes nothing in the account; the session it records is only there to verify later calls.
    write: false,
    persists: true,
    deniedMessage: NOT_AUTHORIZED_WEB_IDENTITY,
    resource: (input) => input.str("RoleArn") ?? "*",
    run: async ({ state, input, now, caPem, env }) => {
      const roleArnText = input.str("RoleArn");
      const sessionName = input.str("RoleSessionName");
      const token = input.str("WebIdentityToken");
      const duration = input.int("DurationSeconds", "durationSeconds");
      const providerId = input.str("ProviderId");
      const sessionPolicy = input.str("Policy");
      const policyArns = input.memberField("PolicyArns", "arn");
      const check = new ConstraintCheck();
      if (check.required(roleArnText, "roleArn")) check.length(roleArnText, "roleArn", 20, 2048);
      if (check.required(sessionName, "roleSessionName")) {
        check.length(sessionName, "roleSessionName", 2, 64);
        check.pattern(sessionName, "roleSessionName", /^[\w+=,.@-]*$/, "[\\w+=,.@-]*");
      }
      if (check.required(token, "webIdentityToken")) check.length(token, "webIdentityToken", 4, 20000);
      check.range(duration, "durationSeconds", 900, 43200);
      check.length(providerId, "providerId", 4, 2048);
      check.length(sessionPolicy, "policy", 1, 2048);
      check.pattern(sessionPolicy, "policy", POLICY_TEXT_PATTERN, "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
      policyArns?.forEach((arn, i) => check.length(arn, `policyArns.${i + 1}.member.arn`, 20, 2048));
      check.throwIfAny();
      // Session policies are not applied by the sandbox, but one that is not JSON is refused as by STS.
      if (sessionPolicy !== undefined && !isJsonObject(sessionPolicy)) {
        throw new AwsApiError("MalformedPolicyDocument", 400, "The policy is not in the valid JSON format.");
      }
      if (!/^arn:[a-z-]+:iam::\d{12}:role\/.+$/.test(roleArnText as string)) {
        throw new AwsApiError("ValidationError", 400, "Request ARN is invalid");
      }

      const identity = await verifyWebIdentityToken(
        token as string,
        (issuer) => {
          if (!issuer.startsWith("https://")) return undefined;
          return state.oidcProviders[providerArn(issuer.slice("https://".length))];
        },
        caPem,
        now,
      );
      const providerUrl = identity.issuer.slice("https://".length);
      const provider = providerArn(providerUrl);

      // A missing role and a trust policy that does not match look the same to the caller.
      // A role created moments ago is, to STS, one that does not exist yet (eventual consistency).
      const role = findRoleByArn(state, roleArnText as string);
      if (!role || !roleVisibleToSts(role, now, rolePropagationMs(env)))
        throw new AwsApiError("AccessDenied", 403, NOT_AUTHORIZED_WEB_IDENTITY);
      // The stored document was validated on write; providers deleted since then simply no longer match.
      const statements = parseTrustPolicy(role.assumeRolePolicyDocument, {
        oidcProviderExists: () => true,
        roleExists: () => true,
      });
      const claims = identity.claims;
      const context = new Map<string, string[]>();
      if (typeof claims.sub === "string") context.set(`${providerUrl}:sub`, [claims.sub]);
      context.set(`${providerUrl}:aud`, [identity.audience]);
      const amr = (claims as { amr?: unknown }).amr;
      if (Array.isArray(amr)) context.set(`${providerUrl}:amr`, amr.map(String));
      const email = (claims as { email?: unknown }).email;
      if (typeof email === "string") context.set(`${providerUrl}:email`, [email]);
      const allowed = trustPolicyAllows(statements, {
        principalType: "Federated",
        principal: provider,
        action: "sts:AssumeRoleWithWebIdentity",
        context,
      });
      if (!allowed) throw new AwsApiError("AccessDenied", 403, NOT_AUTHORIZED_WEB_IDENTITY);

      const seconds = duration ?? 3600;
      if (seconds > role.maxSessionDuration) {
        throw new AwsApiError(
          "ValidationError",
          400,
          "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        );
      }
      pruneExpiredSessions(state, now);
      const expiration = new Date(now + seconds * 1000);
      const name = sessionName as string;
      const assumedRoleArn = `arn:${PARTITION}:sts::${ACCOUNT_ID}:assumed-role/${role.roleName}/${name}`;
      const assumedRoleId = `${role.roleId}:${name}`;
      const session = {
        accessKeyId: uniqueId("ASIA", 16),
        secretAccessKey: secretKey(),
        sessionToken: sessionToken(),
        expiration: expiration.toISOString(),
        assumedRoleArn,
        assumedRoleId,
        providerArn: provider,
        issuedAt: new Date(now).toISOString(),
      };
      state.sessions[session.accessKeyId] = session;
      return {
        result: {
          Credentials: {
            AccessKeyId: session.accessKeyId,
            SecretAccessKey: session.secretAccessKey,
            SessionToken: session.sessionToken,
            Expiration: expiration,
          },
          SubjectFromWebIdentityToken: typeof claims.sub === "string" ? claims.sub : undefined,
          AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: assumedRoleArn },
          Provider: provider,
          Audience: identity.audience,
        },
      };
    },
  },
};

import { request } from "node:https";
import { rootCertificates } from "node:tls";
import {
  compactVerify,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWTPayload,
} from "jose";
import { AwsApiError } from "./errors.js";

/**
 * What STS does with a web identity token before looking at the role: find the IAM OIDC provider
 * for its issuer, check the audience, fetch the issuer's keys over HTTPS and verify the signature
 * and lifetime. The sandbox CA stands in for the public CAs AWS trusts.
 */

const FETCH_TIMEOUT_MS = 5_000;
/** AWS accepts a token up to 5 minutes past `exp` (clock skew). */
const EXP_SKEW_SECONDS = 300;
/** "Tokens must be signed using either RSA keys (RS256, RS384, or RS512) or ECDSA keys (ES256, ES384, or ES512)." */
const SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];
const KEY_RETRIEVAL_FAILED =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

export interface VerifiedWebIdentity {
  issuer: string;
  audience: string;
  claims: JWTPayload;
}

function invalidToken(message: string): AwsApiError {
  return new AwsApiError("InvalidIdentityToken", 400, message);
}

/** Unverified claims, only to route the token to a provider before its signature is checked. */
export function peekClaims(token: string): JWTPayload {
  try {
    decodeProtectedHeader(token);
    return decodeJwt(token);
  } catch {
    throw invalidToken(
      "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
    );
  }
}

function fetchJson(url: string, caPem: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      // agent: false keeps process-wide proxy or agent settings away from this loopback call.
      {
        method: "GET",
        ca: [...rootCertificates, caPem],
        agent: false,
        timeout: FETCH_TIMEOUT_MS,
        headers: { accept: "application/json" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          if (res.statusCode !== 200) {
            reject(new Error(`GET ${url} answered ${res.statusCode ?? "?"}`));
            return;
          }
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

async function fetchKeySet(issuer: string, caPem: string): Promise<JSONWebKeySet> {
  const discoveryUrl = `${issuer}${issuer.endsWith("/") ? "" : "/"}.well-known/openid-configuration`;
  try {
    const discovery = (await fetchJson(discoveryUrl, caPem)) as { jwks_uri?: unknown };
    if (typeof discovery.jwks_uri !== "string" || !discovery.jwks_uri.startsWith("https://"))
      throw new Error("no https jwks_uri");
    const jwks = (await fetchJson(discovery.jwks_uri, caPem)) as JSONWebKeySet;
    if (!Array.isArray(jwks.keys)) throw new Error("key set without keys");
    return jwks;
  } catch {
    throw invalidToken(KEY_RETRIEVAL_FAILED);
  }
}

function audiences(claims: JWTPayload): string[] {
  if (typeof claims.aud === "string") return [claims.aud];
  if (Array.isArray(claims.aud)) return claims.aud.filter((a): a is string => typeof a === "string");
  return [];
}

/**
 * `clientIdsFor(iss)` returns the provider's client ids when an IAM OIDC provider has exactly
 * that issuer URL (scheme included, trailing slash significant).
 */
export async function verifyWebIdentityToken(
  token: string,
  clientIdsFor: (issuer: string) => readonly string[] | undefined,
  caPem: string,
  nowMs: number,
): Promise<VerifiedWebIdentity> {
  const unverified = peekClaims(token);
  const issuer = typeof unverified.iss === "string" ? unverified.iss : "";
  const clientIds = clientIdsFor(issuer);
  if (!clientIds) throw invalidToken(`No OpenIDConnect provider found in your account for ${issuer}`);
  const audience = audiences(unverified).find((a) => clientIds.includes(a));
  if (audience === undefined) throw invalidToken("Incorrect token audience");

  const keySet = createLocalJWKSet(await fetchKeySet(issuer, caPem));
  try {
    await compactVerify(token, keySet, { algorithms: SIGNING_ALGORITHMS });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ERR_JWKS_NO_MATCHING_KEY" || code === "ERR_JWKS_MULTIPLE_MATCHING_KEYS")
      throw invalidToken(KEY_RETRIEVAL_FAILED);
    if (code === "ERR_JOSE_ALG_NOT_ALLOWED") throw invalidToken("Unsupported token signing algorithm");
    throw invalidToken("Invalid signature");
  }

  const now = Math.floor(nowMs / 1000);
  if (typeof unverified.exp !== "number") throw invalidToken("Missing required claim: exp");
  if (now > unverified.exp + EXP_SKEW_SECONDS) {
    // AWS's own wording, missing space included.
    throw new AwsApiError(
      "ExpiredTokenException",
      400,
      `Token expired: current date/time ${now} must be before the expiration date/time${unverified.exp}`,
    );
  }
  if (typeof unverified.nbf === "number" && unverified.nbf > now + EXP_SKEW_SECONDS)
    throw invalidToken("Token is not yet valid");
  if (typeof unverified.iat === "number" && unverified.iat > now + EXP_SKEW_SECONDS)
    throw invalidToken("Token issued in the future");
  return { issuer, audience, claims: unverified };
}

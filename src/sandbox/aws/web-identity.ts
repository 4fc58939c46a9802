import {
  compactVerify,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWTPayload,
} from "jose";
import { AwsApiError } from "./errors.js";
import { fetchIdpJson, fetchJwksUri, type IdpReply } from "./idp-fetch.js";

/**
 * What STS does with a web identity token before looking at the role: find the IAM OIDC provider
 * for its issuer, check the audience, fetch the issuer's keys over HTTPS and verify the signature
 * and lifetime. The sandbox CA stands in for the public CAs AWS trusts.
 */

/** AWS accepts a token up to 5 minutes past `exp` (clock skew). */
const EXP_SKEW_SECONDS = 300;
/** "Tokens must be signed using either RSA keys (RS256, RS384, or RS512) or ECDSA keys (ES256, ES384, or ES512)." */
const SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];
const KEY_RETRIEVAL_FAILED =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

const NOT_A_JWT = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)";

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
    throw invalidToken(NOT_A_JWT);
  }
}

/** The issuer's key set and the thumbprint of the host that served it. */
async function fetchKeySet(issuer: string, caPem: string): Promise<{ keys: JSONWebKeySet; host: IdpReply }> {
  try {
    const host = await fetchIdpJson(await fetchJwksUri(issuer, caPem), caPem);
    const keys = host.body as JSONWebKeySet;
    if (!Array.isArray(keys.keys)) throw new Error("key set without keys");
    return { keys, host };
  } catch {
    throw invalidToken(KEY_RETRIEVAL_FAILED);
  }
}

function audiences(claims: JWTPayload): string[] {
  if (typeof claims.aud === "string") return [claims.aud];
  if (Array.isArray(claims.aud)) return claims.aud.filter((a): a is string => typeof a === "string");
  return [];
}

/** The IAM OIDC provider whose URL is the token's issuer: what STS checks the token against. */
export interface TrustedProvider {
  readonly clientIds: readonly string[];
  readonly thumbprints: readonly string[];
}

/**
 * A compact JWS is three base64url segments without padding (RFC 7515). jose's decoder would
 * skip whitespace or "=" in the signature, so a token altered that way is refused here, as STS
 * refuses it.
 */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * `providerFor(iss)` returns the IAM OIDC provider whose URL is exactly that issuer (scheme
 * included, trailing slash significant).
 */
export async function verifyWebIdentityToken(
  token: string,
  providerFor: (issuer: string) => TrustedProvider | undefined,
  caPem: string,
  nowMs: number,
): Promise<VerifiedWebIdentity> {
  if (!COMPACT_JWS.test(token)) throw invalidToken(NOT_A_JWT);
  const unverified = peekClaims(token);
  const issuer = typeof unverified.iss === "string" ? unverified.iss : "";
  const provider = providerFor(issuer);
  if (!provider) throw invalidToken(`No OpenIDConnect provider found in your account for ${issuer}`);
  const audience = audiences(unverified).find((a) => provider.clientIds.includes(a));
  if (audience === undefined) throw invalidToken("Incorrect token audience");

  const { keys, host } = await fetchKeySet(issuer, caPem);
  // AWS trusts a key host that chains to a public root CA; any other must match a thumbprint.
  if (!host.publicRoot && !provider.thumbprints.includes(host.thumbprint))
    throw invalidToken("OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint");
  try {
    await compactVerify(token, createLocalJWKSet(keys), { algorithms: SIGNING_ALGORITHMS });
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

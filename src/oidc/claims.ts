import { decodeJwt, type JWTPayload } from "jose";
import { fail, pass, warn, type CheckResult } from "../verify/check.js";

/** What AWS will compare a VM token against: the provider and the role's trust policy. */
export interface ExpectedClaims {
  /** https://sts.windows.net/<tenant>/ — the provider URL with its scheme. */
  readonly issuer: string;
  /** The provider's client IDs: `aud` must be one of them. */
  readonly clientIds: readonly string[];
  /** The identity's principal id, as the trust policy's `sub` condition names it. */
  readonly subject: string;
  /** Seconds since the epoch. */
  readonly now: number;
}

/** Audiences of Microsoft's own APIs: a token for them also works against those APIs. */
const MICROSOFT_AUDIENCES = [
  /^https:\/\/management\.(core\.windows\.net|azure\.com)\/?$/i,
  /^https:\/\/graph\.microsoft\.com\/?$/i,
  /^https:\/\/vault\.azure\.net\/?$/i,
  /^https:\/\/storage\.azure\.com\/?$/i,
  /^00000003-0000-0000-c000-000000000000$/i,
  /^797f4846-ba00-4fd7-ba43-dac1f8f63013$/i,
];

/** The token's claims, or undefined when it is not a JWT at all. Never verifies: AWS does that. */
export function readClaims(token: string): JWTPayload | undefined {
  try {
    return decodeJwt(token.trim());
  } catch {
    return undefined;
  }
}

/**
 * The checks `verify` makes of the token on the VM, each saying what AWS will think of it. The
 * token itself never appears in a result: only claim values that are identifiers.
 */
export function checkClaims(claims: JWTPayload, expected: ExpectedClaims): CheckResult[] {
  const results: CheckResult[] = [];
  const iss = String(claims.iss ?? "");
  const version = typeof claims.ver === "string" ? claims.ver : "";
  if (iss === expected.issuer) {
    results.push(pass("token-issuer", `iss is ${iss}`));
  } else if (version === "2.0" || /\/v2\.0\/?$/.test(iss)) {
    results.push(
      warn(
        "token-issuer",
        `the token is a v2 token (iss ${iss}); the provider trusts ${expected.issuer}`,
        "managed identity tokens from IMDS are v1; a v2 token means the audience's app registration asks for v2 (accessTokenAcceptedVersion): set it to 1 or null",
      ),
    );
  } else {
    results.push(
      fail(
        "token-issuer",
        `iss is ${iss || "(missing)"}, the provider is ${expected.issuer}`,
        "the VM is in another tenant than the provider trusts: run `oidc-bridge trust` with that tenant",
      ),
    );
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [String(claims.aud ?? "")];
  if (!aud.some((a) => expected.clientIds.includes(a))) {
    results.push(
      fail(
        "token-audience",
        `aud is ${aud.join(", ") || "(missing)"}, the provider lists ${expected.clientIds.join(", ") || "no client IDs"}`,
        "run `oidc-bridge trust` to add the audience to the provider, then `oidc-bridge configure`",
      ),
    );
  } else if (aud.some((a) => MICROSOFT_AUDIENCES.some((m) => m.test(a)))) {
    results.push(
      warn(
        "token-audience",
        `aud is ${aud.join(", ")}, a Microsoft API: the same token also works against that API`,
        "use the application ID URI of an app registration of your tenant as oidc.audience (e.g. api://oidc-bridge), so the token opens AWS only",
      ),
    );
  } else {
    results.push(pass("token-audience", `aud is ${aud.join(", ")}`));
  }
  if (claims.sub === expected.subject) {
    results.push(pass("token-subject", `sub is the identity's principal id ${expected.subject}`));
  } else {
    results.push(
      fail(
        "token-subject",
        `sub is ${String(claims.sub ?? "(missing)")}, the trust policy names ${expected.subject}`,
        "the VM's identity is not the one the role trusts: run `oidc-bridge identity` then `oidc-bridge configure`",
      ),
    );
  }
  const exp = typeof claims.exp === "number" ? claims.exp : undefined;
  if (exp === undefined || exp <= expected.now) {
    results.push(
      fail(
        "token-fresh",
        exp === undefined ? "the token has no expiry" : `the token expired ${ago(expected.now - exp)} ago`,
        "the refresher is not running: run `oidc-bridge configure`, then see `journalctl --user -u oidc-bridge-token` on the VM",
      ),
    );
  } else if (exp - expected.now < 3600) {
    results.push(
      warn(
        "token-fresh",
        `the token expires in ${ago(exp - expected.now)}`,
        "the refresher should have renewed it by now: see `journalctl --user -u oidc-bridge-token` on the VM",
      ),
    );
  } else {
    results.push(pass("token-fresh", `the token is valid for ${ago(exp - expected.now)}`));
  }
  return results;
}

function ago(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

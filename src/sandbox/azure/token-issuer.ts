import { randomBytes, randomUUID, type webcrypto } from "node:crypto";
import { SignJWT, importJWK } from "jose";
import type { ServiceContext } from "../harness/types.js";
import { SANDBOX_TENANT_ID } from "../constants.js";
import { v1Issuer } from "./entra-urls.js";
import { activeSigningKey } from "./signing-keys.js";
import type { AzureState, SigningKeyState } from "./state.js";

/**
 * Mints Entra v1 access tokens, for the token endpoint now and for IMDS (managed identities)
 * later: same issuer, same keys, same claim set as real v1 tokens (see
 * test/fixtures/azure/mi-access-token.decoded.real.json).
 */
export interface TokenRequest {
  /** `sub`; for apps and managed identities the same as `oid`. */
  readonly sub: string;
  readonly oid: string;
  /** The client (application) id: `appid`. */
  readonly appid: string;
  /** The resource exactly as asked for. */
  readonly aud: string;
  /** "1" client secret, "2" certificate or managed identity. Default "1". */
  readonly appidacr?: "0" | "1" | "2";
  /** Default 3600 s (client credentials); managed identities get about 24 h. */
  readonly lifetimeSeconds?: number;
  /** Added last, so a caller can add `xms_mirid` and the like. */
  readonly extraClaims?: Readonly<Record<string, unknown>>;
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly kid: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
}

const DEFAULT_LIFETIME_S = 3600;
/**
 * `xms_tcdt`, the tenant's creation time in epoch seconds: a number in every current Entra token
 * (test/fixtures/azure/mi-access-token.decoded.real.json), fixed because the sandbox tenant never changes.
 */
export const SANDBOX_TENANT_CREATED_S = 1_704_067_200;
const importedKeys = new Map<string, Promise<webcrypto.CryptoKey | Uint8Array>>();

export async function issueToken(ctx: ServiceContext, state: AzureState, req: TokenRequest): Promise<IssuedToken> {
  const key = activeSigningKey(state);
  const now = Math.floor(ctx.now() / 1000);
  const exp = now + (req.lifetimeSeconds ?? DEFAULT_LIFETIME_S);
  const issuer = v1Issuer(ctx);
  const payload = {
    aud: req.aud,
    iss: issuer,
    iat: now,
    nbf: now,
    exp,
    aio: randomBytes(30).toString("base64"),
    appid: req.appid,
    appidacr: req.appidacr ?? "1",
    idp: issuer,
    idtyp: "app",
    oid: req.oid,
    rh: `0.A${randomBytes(36).toString("base64url")}.`,
    sub: req.sub,
    tid: SANDBOX_TENANT_ID,
    uti: randomBytes(16).toString("base64url"),
    ver: "1.0",
    xms_tcdt: SANDBOX_TENANT_CREATED_S,
    ...req.extraClaims,
  };
  const accessToken = await new SignJWT(payload)
    .setProtectedHeader({ typ: "JWT", alg: "RS256", x5t: key.kid, kid: key.kid })
    .sign(await signingKey(key));
  return { accessToken, kid: key.kid, iat: now, nbf: now, exp };
}

function signingKey(key: SigningKeyState): Promise<webcrypto.CryptoKey | Uint8Array> {
  let imported = importedKeys.get(key.kid);
  if (!imported) {
    imported = importJWK({ ...key.privateJwk, alg: "RS256" }, "RS256");
    importedKeys.set(key.kid, imported);
  }
  return imported;
}

/** A fresh object id, for principals created in the sandbox directory. */
export function newObjectId(): string {
  return randomUUID();
}

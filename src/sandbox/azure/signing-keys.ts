import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { createHash, randomBytes, webcrypto } from "node:crypto";
import type { AzureState, JsonWebKeyLike, SigningKeyState } from "./state.js";

/**
 * Entra's token signing keys: RSA 2048, each with a self-signed certificate, published in the JWKS
 * with `kid` = `x5t` = base64url SHA-1 of the certificate (as Entra does). The next key is
 * published before it signs anything, and after a rotation the old key stays published for a
 * while, so tokens signed just before still verify.
 */

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const RSA_ALG = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
} as const;
const DAY = 86_400_000;
// Entra's certificates run five years and carry this subject.
const CERT_DAYS = 5 * 365;
const CERT_SUBJECT = "CN=accounts.accesscontrol.windows.net";
/**
 * How long a retired key stays in the JWKS. Managed-identity tokens live about 24 h, so anything
 * shorter would break tokens still in use; Entra itself keeps keys published for weeks.
 */
export const RETIRED_KEY_PUBLISHED_MS = 2 * DAY;

export interface PublicJwk {
  kty: "RSA";
  use: "sig";
  kid: string;
  x5t: string;
  n: string;
  e: string;
  x5c: string[];
  issuer?: string;
}

export async function generateSigningKey(nowMs: number): Promise<SigningKeyState> {
  const keys = await webcrypto.subtle.generateKey(RSA_ALG, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    // Positive 16-byte serial, like Entra's.
    serialNumber: `01${randomBytes(15).toString("hex")}`,
    name: CERT_SUBJECT,
    notBefore: new Date(nowMs - 5 * 60_000),
    notAfter: new Date(nowMs + CERT_DAYS * DAY),
    signingAlgorithm: RSA_ALG,
    keys,
    extensions: [await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
  });
  const der = Buffer.from(cert.rawData);
  const privateJwk = (await webcrypto.subtle.exportKey("jwk", keys.privateKey)) as JsonWebKeyLike;
  return {
    kid: thumbprint(der),
    privateJwk: stripJwkMeta(privateJwk),
    certificate: der.toString("base64"),
    createdAt: new Date(nowMs).toISOString(),
  };
}

/** base64url SHA-1 of the DER certificate: Entra's `x5t`, and its `kid`. */
export function thumbprint(der: Buffer): string {
  return createHash("sha1").update(der).digest("base64url");
}

/** The key new tokens are signed with: the newest one neither retired nor only announced. */
export function activeSigningKey(state: AzureState): SigningKeyState {
  const active = state.signingKeys.filter((k) => !k.retiredAt && !k.next).at(-1);
  if (!active) throw new Error("the Azure sandbox has no signing key yet (start() has not run)");
  return active;
}

/**
 * Makes sure there is a key to sign with and a next one published ahead of use, so the key set
 * always holds more than one key, as Entra's does. True when a key was added (save the state).
 */
export async function ensureSigningKeys(state: AzureState, nowMs: number): Promise<boolean> {
  let added = false;
  if (!state.signingKeys.some((k) => !k.retiredAt && !k.next)) {
    state.signingKeys.push(await generateSigningKey(nowMs));
    added = true;
  }
  if (!state.signingKeys.some((k) => k.next)) {
    state.signingKeys.push({ ...(await generateSigningKey(nowMs)), next: true });
    added = true;
  }
  return added;
}

/** Keys to publish: the signing key first, then the next one, then retired keys still inside their overlap window. */
export function publishedSigningKeys(state: AzureState, nowMs: number): SigningKeyState[] {
  const live = (k: SigningKeyState): boolean => !k.retiredAt;
  const active = state.signingKeys.filter((k) => live(k) && !k.next).reverse();
  const next = state.signingKeys.filter((k) => live(k) && k.next);
  const retired = state.signingKeys
    .filter((k) => k.retiredAt && Date.parse(k.retiredAt) + RETIRED_KEY_PUBLISHED_MS > nowMs)
    .reverse();
  return [...active, ...next, ...retired];
}

export function publicJwk(key: SigningKeyState, issuer?: string): PublicJwk {
  const { n, e } = key.privateJwk;
  if (!n || !e) throw new Error(`signing key ${key.kid} is damaged: no modulus or exponent`);
  return {
    kty: "RSA",
    use: "sig",
    kid: key.kid,
    x5t: key.kid,
    n,
    e,
    x5c: [key.certificate],
    ...(issuer ? { issuer } : {}),
  };
}

export interface RotationResult {
  readonly previousKid: string | null;
  readonly newKid: string;
}

/**
 * Makes the announced next key the signing key, retires the current one (still published for
 * RETIRED_KEY_PUBLISHED_MS) and announces a fresh next key. Drops keys whose overlap has passed.
 * The caller saves the state.
 */
export async function rotateSigningKeysInState(state: AzureState, nowMs: number): Promise<RotationResult> {
  const current = state.signingKeys.filter((k) => !k.retiredAt && !k.next).at(-1);
  const promoted = state.signingKeys.find((k) => k.next && !k.retiredAt) ?? (await generateSigningKey(nowMs));
  const retiredAt = new Date(nowMs).toISOString();
  for (const key of state.signingKeys) if (key !== promoted) key.retiredAt ??= retiredAt;
  delete promoted.next;
  state.signingKeys = state.signingKeys.filter(
    (k) => k === promoted || (k.retiredAt && Date.parse(k.retiredAt) + RETIRED_KEY_PUBLISHED_MS > nowMs),
  );
  if (!state.signingKeys.includes(promoted)) state.signingKeys.push(promoted);
  state.signingKeys.push({ ...(await generateSigningKey(nowMs)), next: true });
  return { previousKid: current?.kid ?? null, newKid: promoted.kid };
}

// WebCrypto adds `key_ops`/`ext`/`alg`; jose and JWKS consumers do not need them in the stored key.
function stripJwkMeta(jwk: JsonWebKeyLike): JsonWebKeyLike {
  const out: JsonWebKeyLike = {};
  for (const [name, value] of Object.entries(jwk)) {
    if (name !== "key_ops" && name !== "ext" && name !== "alg" && typeof value === "string") out[name] = value;
  }
  return out;
}

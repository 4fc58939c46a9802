import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { randomBytes, webcrypto } from "node:crypto";
import { join } from "node:path";
import { ensureDir, readTextIfExists, writeFileAtomic } from "./safe-file.js";
import { SandboxError } from "./sandbox-error.js";

/**
 * The sandbox's private PKI: root → intermediates "a" and "b" → one leaf each. Real Azure hosts
 * chain to different intermediates, and a client that only works when the server sends its whole
 * chain (or none of it) should fail here as it would there, so each listener sends leaf +
 * intermediate, never the root.
 */

export type ChainName = "a" | "b";

export interface TlsChain {
  /** Leaf private key, PKCS#8 PEM. */
  readonly key: string;
  /** Leaf PEM followed by its intermediate PEM (what a TLS server sends). */
  readonly cert: string;
}

export interface SandboxCa {
  readonly rootPem: string;
  chain(name: ChainName): TlsChain;
}

const CHAINS: readonly ChainName[] = ["a", "b"];
const KEY_ALG = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN_ALG = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY = 86_400_000;
// Long enough that a sandbox folder kept for a while keeps working; clients trust the root, so it
// must outlive everything under it.
const ROOT_DAYS = 3650;
const INTERMEDIATE_DAYS = 1825;
const LEAF_DAYS = 397;
// Hosts with a slightly wrong clock must not see "not yet valid" on a fresh certificate.
const BACKDATE_MS = 5 * 60_000;
// Reissue below the root when this close to expiry, so a long test run never crosses it.
const RENEW_MARGIN_MS = 2 * DAY;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type KeyPair = webcrypto.CryptoKeyPair;

interface Issued {
  readonly cert: x509.X509Certificate;
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * Loads the CA from `dir`, creating whatever is missing or about to expire. The root is reused as
 * long as it exists, so clients that already trust it keep working across restarts.
 */
export async function loadOrCreateCa(dir: string, now: () => number = Date.now): Promise<SandboxCa> {
  await ensureDir(dir);
  const root = await loadOrCreate(dir, "root-ca", now, async () => createRoot(now()), null);
  const chains = new Map<ChainName, TlsChain>();
  for (const name of CHAINS) {
    const intermediate = await loadOrCreate(
      dir,
      `intermediate-${name}`,
      now,
      () => createIntermediate(name, root, now()),
      root,
    );
    const leaf = await loadOrCreate(
      dir,
      `leaf-${name}`,
      now,
      () => createLeaf(name, intermediate, now()),
      intermediate,
    );
    chains.set(name, { key: leaf.keyPem, cert: leaf.certPem + intermediate.certPem });
  }
  return {
    rootPem: root.certPem,
    chain(name) {
      const found = chains.get(name);
      if (!found) throw new Error(`unknown sandbox certificate chain "${name}" (use "a" or "b")`);
      return found;
    },
  };
}

async function loadOrCreate(
  dir: string,
  base: string,
  now: () => number,
  create: () => Promise<Issued>,
  issuer: Issued | null,
): Promise<Issued> {
  const certPath = join(dir, `${base}.pem`);
  const keyPath = join(dir, `${base}.key.pem`);
  const existing = await readPair(certPath, keyPath);
  if (existing) {
    const usable = await isUsable(existing.cert, issuer, now());
    if (usable) return existing;
    if (!issuer) {
      throw new SandboxError(
        "SANDBOX_CA_EXPIRED",
        `the sandbox root CA in ${certPath} has expired or does not match its key`,
        `delete ${dir} to create a new one (clients must then trust the new root)`,
      );
    }
  }
  const issued = await create();
  // Key first: a certificate on disk without its key would be unusable on the next start.
  await writeFileAtomic(keyPath, issued.keyPem);
  await writeFileAtomic(certPath, issued.certPem);
  return issued;
}

async function readPair(certPath: string, keyPath: string): Promise<Issued | null> {
  const [certPem, keyPem] = await Promise.all([readTextIfExists(certPath), readTextIfExists(keyPath)]);
  if (certPem === undefined || keyPem === undefined) return null;
  try {
    return { cert: new x509.X509Certificate(certPem), certPem, keyPem };
  } catch {
    return null;
  }
}

async function isUsable(cert: x509.X509Certificate, issuer: Issued | null, nowMs: number): Promise<boolean> {
  const margin = issuer ? RENEW_MARGIN_MS : 0;
  if (cert.notAfter.getTime() - margin <= nowMs) return false;
  const publicKey = issuer ? issuer.cert.publicKey : cert.publicKey;
  return cert.verify({ publicKey, signatureOnly: true });
}

async function createRoot(nowMs: number): Promise<Issued> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=oidc-bridge sandbox root CA, O=oidc-bridge sandbox",
    ...validity(nowMs, ROOT_DAYS),
    keys,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return toIssued(cert, keys);
}

async function createIntermediate(name: ChainName, root: Issued, nowMs: number): Promise<Issued> {
  return issue(root, nowMs, INTERMEDIATE_DAYS, `CN=oidc-bridge sandbox intermediate ${name}, O=oidc-bridge sandbox`, [
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
      true,
    ),
  ]);
}

async function createLeaf(name: ChainName, intermediate: Issued, nowMs: number): Promise<Issued> {
  return issue(intermediate, nowMs, LEAF_DAYS, `CN=localhost, OU=chain ${name}, O=oidc-bridge sandbox`, [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension([
      { type: "ip", value: "127.0.0.1" },
      { type: "dns", value: "localhost" },
    ]),
  ]);
}

async function issue(
  issuer: Issued,
  nowMs: number,
  days: number,
  subject: string,
  extensions: x509.Extension[],
): Promise<Issued> {
  const keys = await generateKeys();
  const signingKey = await importKey(issuer.keyPem);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: issuer.cert.subject,
    ...validity(nowMs, days),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: SIGN_ALG,
    extensions: [
      ...extensions,
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert.publicKey),
    ],
  });
  return toIssued(cert, keys);
}

async function toIssued(cert: x509.X509Certificate, keys: KeyPair): Promise<Issued> {
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  // @peculiar/x509 emits PEM without a final newline; concatenated chains need one between blocks.
  return {
    cert,
    certPem: `${cert.toString("pem")}\n`,
    keyPem: `${x509.PemConverter.encode(pkcs8, "PRIVATE KEY")}\n`,
  };
}

async function generateKeys(): Promise<KeyPair> {
  return await webcrypto.subtle.generateKey(KEY_ALG, true, ["sign", "verify"]);
}

async function importKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return webcrypto.subtle.importKey("pkcs8", der, KEY_ALG, false, ["sign"]);
}

function validity(nowMs: number, days: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(nowMs - BACKDATE_MS), notAfter: new Date(nowMs + days * DAY) };
}

/** Positive, non-zero-led 128-bit serial, as RFC 5280 asks. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString("hex");
}

import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { SandboxRequest } from "../harness/types.js";

/**
 * Server-side SigV4 check: re-sign what arrived with the secret we issued and compare. Re-signing
 * with the same library the SDK uses keeps canonicalisation identical; the inputs are taken from
 * the wire exactly (headers named in SignedHeaders with their received values, host with port,
 * raw path, decoded query).
 */

/** node:crypto behind the Sha256 constructor shape @smithy/signature-v4 expects (HMAC when keyed). */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = NodeSha256.create(secret);
  }
  private static create(secret?: string | ArrayBuffer | ArrayBufferView): Hash | Hmac {
    return secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = NodeSha256.create(this.secret);
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

export interface SigningSecret {
  secretAccessKey: string;
  /** Temporary credentials must present their session token in x-amz-security-token. */
  sessionToken?: string;
  /** ISO time after which the key is refused as expired. */
  expiration?: string;
}

export type SigV4Failure =
  | { kind: "missing" }
  | { kind: "incomplete"; message: string }
  | { kind: "unknownKey"; accessKeyId: string }
  /** A temporary key presented without its session token, or with another one. */
  | { kind: "badToken" }
  | { kind: "expiredToken" }
  | { kind: "badSignature"; message?: string }
  | { kind: "skew"; message: string };

export type SigV4Result =
  { ok: true; accessKeyId: string; region: string; service: string } | ({ ok: false } & SigV4Failure);

const MAX_SKEW_MS = 15 * 60 * 1000;
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(header: string): ParsedAuthorization | string {
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(header.trim());
  if (!match?.[1]) return "Authorization header requires 'AWS4-HMAC-SHA256' algorithm.";
  const fields = new Map<string, string>();
  for (const part of match[1].split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ["Credential", "Signature", "SignedHeaders"].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    const list = missing.map((name) => `'${name}'`).join(", ");
    return `Authorization header requires ${list} parameter${missing.length > 1 ? "s" : ""}. Authorization=${header}`;
  }
  const scope = (fields.get("Credential") ?? "").split("/");
  if (scope.length !== 5 || scope[4] !== "aws4_request") {
    return `Credential should be scoped to a valid region.`;
  }
  const [accessKeyId, date, region, service] = scope as [string, string, string, string];
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: (fields.get("SignedHeaders") ?? "").split(";").filter(Boolean),
    signature: fields.get("Signature") ?? "",
  };
}

function headerValue(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(",") : value;
}

/** "20240131T235959Z" → epoch ms, or NaN. */
function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

export async function verifySigV4(
  req: SandboxRequest,
  expectedService: string,
  lookup: (accessKeyId: string) => SigningSecret | undefined,
  nowMs: number,
): Promise<SigV4Result> {
  const authorization = headerValue(req, "authorization");
  if (!authorization) return { ok: false, kind: "missing" };
  const parsed = parseAuthorization(authorization);
  if (typeof parsed === "string") return { ok: false, kind: "incomplete", message: parsed };

  const secret = lookup(parsed.accessKeyId);
  if (!secret) return { ok: false, kind: "unknownKey", accessKeyId: parsed.accessKeyId };

  if (parsed.service !== expectedService) {
    return {
      ok: false,
      kind: "badSignature",
      message: `Credential should be scoped to correct service: '${expectedService}'. `,
    };
  }
  const rawDate = headerValue(req, "x-amz-date");
  if (!rawDate) {
    return {
      ok: false,
      kind: "incomplete",
      message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    };
  }
  const signedAt = parseAmzDate(rawDate);
  if (Number.isNaN(signedAt)) {
    return { ok: false, kind: "incomplete", message: `Date must be in ISO-8601 'basic format'. Got '${rawDate}'.` };
  }
  if (signedAt < nowMs - MAX_SKEW_MS) {
    return {
      ok: false,
      kind: "skew",
      message: `Signature expired: ${rawDate} is now earlier than ${amzDate(nowMs - MAX_SKEW_MS)} (${amzDate(nowMs)} - 15 min.)`,
    };
  }
  if (signedAt > nowMs + MAX_SKEW_MS) {
    return {
      ok: false,
      kind: "skew",
      message: `Signature not yet current: ${rawDate} is still later than ${amzDate(nowMs + MAX_SKEW_MS)} (${amzDate(nowMs)} + 15 min.)`,
    };
  }
  if (parsed.date !== rawDate.slice(0, 8)) {
    return {
      ok: false,
      kind: "badSignature",
      message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.date}' != '${rawDate.slice(0, 8)}', from '${rawDate}'.`,
    };
  }

  if (secret.sessionToken !== undefined) {
    if (headerValue(req, "x-amz-security-token") !== secret.sessionToken) return { ok: false, kind: "badToken" };
    if (secret.expiration && Date.parse(secret.expiration) <= nowMs) return { ok: false, kind: "expiredToken" };
  }

  // AWS hashes the body it received; a client-declared hash that differs cannot produce a match.
  // S3 alone lets the client leave the payload out of the signature.
  const s3 = expectedService === "s3";
  const bodyHash = createHash("sha256").update(req.body).digest("hex");
  const declaredHash = headerValue(req, "x-amz-content-sha256");
  if (declaredHash !== undefined && declaredHash !== bodyHash && !(s3 && declaredHash === UNSIGNED_PAYLOAD)) {
    return { ok: false, kind: "badSignature" };
  }

  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = headerValue(req, name);
    if (value === undefined) return { ok: false, kind: "badSignature" };
    headers[name] = value;
  }
  if (!headers.host) {
    return {
      ok: false,
      kind: "badSignature",
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    };
  }
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of req.query) {
    const prior = query[key];
    query[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  const [hostname, port] = splitHost(headers.host);

  const signer = new SignatureV4({
    credentials: {
      accessKeyId: parsed.accessKeyId,
      secretAccessKey: secret.secretAccessKey,
      // The signer adds the token header itself; only when the client signed it does it take part.
      ...(secret.sessionToken !== undefined && parsed.signedHeaders.includes("x-amz-security-token")
        ? { sessionToken: secret.sessionToken }
        : {}),
    },
    region: parsed.region,
    service: parsed.service,
    sha256: NodeSha256,
    applyChecksum: false,
    // S3 signs the path as sent; every other service escapes it once more.
    uriEscapePath: !s3,
  });
  // Only the signed headers take part, as received. When x-amz-content-sha256 is among them it
  // already equals the body's hash (checked above); otherwise the signer hashes the body itself.
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: "https:",
      hostname,
      ...(port !== undefined ? { port } : {}),
      path: req.path,
      query,
      headers,
      body: req.body,
    },
    {
      signingDate: new Date(signedAt),
      signableHeaders: new Set(parsed.signedHeaders),
      signingRegion: parsed.region,
      signingService: parsed.service,
    },
  );
  return compare(signed.headers.authorization ?? signed.headers.Authorization, parsed);
}

function compare(authorization: string | undefined, parsed: ParsedAuthorization): SigV4Result {
  const expected = /Signature=([0-9a-f]{64})/.exec(authorization ?? "")?.[1] ?? "";
  const given = parsed.signature;
  const ok = expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
  if (!ok) return { ok: false, kind: "badSignature" };
  return { ok: true, accessKeyId: parsed.accessKeyId, region: parsed.region, service: parsed.service };
}

function splitHost(host: string): [string, number | undefined] {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!m?.[1]) return [host, undefined];
  return [m[1], m[2] !== undefined ? Number(m[2]) : undefined];
}

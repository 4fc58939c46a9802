/**
 * Keeps secrets out of the journal and out of error bodies. The sandbox imports nothing from the
 * product, so this is its own copy of the product's redaction; a test keeps the two in step.
 */
const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // PEM private keys of any kind (PKCS#1, PKCS#8, OpenSSH, EC), whole block.
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g, "[redacted private key]"],
  // JWTs (and JWS in general): three base64url segments, the first a JSON header ("eyJ").
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[redacted jwt]"],
  // AWS secret access keys and session tokens when named as such (JSON, XML, env, ini, query).
  [
    /((?:aws_?)?secret_?access_?key|SecretAccessKey|aws_?session_?token|SessionToken|client_?secret|clientSecret|password)(\\?["']?\s*[:=>]\s*\\?["']?|">|=)([^\s"'<&,}\\]+)/gi,
    "$1$2[redacted]",
  ],
  // SigV4 signatures in Authorization headers and presigned URLs.
  [/(Signature=)[0-9a-f]{64}/g, "$1[redacted]"],
  // Bearer tokens that are not JWTs.
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{16,}/g, "$1[redacted]"],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Redacts every string inside a JSON-like value; keys named like secrets lose their value whole. */
export function redactValue(value: unknown): unknown {
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && inner != null ? "[redacted]" : redactValue(inner);
    }
    return out;
  }
  return value;
}

const SECRET_KEY =
  /^(secret.*|.*secret(access)?key|.*password|.*sessiontoken|access_?token|refresh_?token|id_?token|client_?secret|private_?key|authorization)$/i;

import { X509Certificate } from "node:crypto";
import { request } from "node:https";
import { rootCertificates, type DetailedPeerCertificate, type TLSSocket } from "node:tls";
import { topIntermediate } from "./idp-thumbprint.js";

/**
 * The HTTPS GETs STS makes to an identity provider (discovery document, key set), with what it
 * needs from the TLS handshake: whether the host chains to a public root CA (then AWS ignores
 * thumbprints) and the thumbprint of the chain it presented. The sandbox CA stands in for the
 * public CAs for trust, but counts as a private CA for thumbprints, as its roots are not public.
 */

const FETCH_TIMEOUT_MS = 5_000;

export interface IdpReply {
  readonly body: unknown;
  /** Lower-case hex SHA-1 of the top intermediate CA the host presented. */
  readonly thumbprint: string;
  /** The chain ends at one of the public root CAs Node ships. */
  readonly publicRoot: boolean;
}

let publicRoots: ReadonlySet<string> | undefined;

function isPublicRoot(leaf: DetailedPeerCertificate): boolean {
  publicRoots ??= new Set(rootCertificates.map((pem) => new X509Certificate(pem).fingerprint256));
  let cert = leaf;
  const seen = new Set<string>();
  while (cert.issuerCertificate && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    if (cert.issuerCertificate.fingerprint256 === cert.fingerprint256) break;
    cert = cert.issuerCertificate;
  }
  return publicRoots.has(cert.fingerprint256);
}

export function fetchIdpJson(url: string, caPem: string): Promise<IdpReply> {
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
        const peer = (res.socket as TLSSocket).getPeerCertificate(true);
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          if (res.statusCode !== 200) {
            reject(new Error(`GET ${url} answered ${res.statusCode ?? "?"}`));
            return;
          }
          try {
            const body: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            resolve({ body, thumbprint: topIntermediate(peer), publicRoot: isPublicRoot(peer) });
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

/** The issuer's `jwks_uri`, from its discovery document; https only, as STS requires. */
export async function fetchJwksUri(issuer: string, caPem: string): Promise<string> {
  const discoveryUrl = `${issuer}${issuer.endsWith("/") ? "" : "/"}.well-known/openid-configuration`;
  const { body } = await fetchIdpJson(discoveryUrl, caPem);
  const uri = (body as { jwks_uri?: unknown } | null)?.jwks_uri;
  if (typeof uri !== "string" || !uri.startsWith("https://")) throw new Error("no https jwks_uri");
  return uri;
}

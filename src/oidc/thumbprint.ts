import { connect, type PeerCertificate, type DetailedPeerCertificate } from "node:tls";
import { X509Certificate } from "node:crypto";
import { BridgeError } from "../errors.js";

export interface HostThumbprint {
  readonly host: string;
  /** 40 lower-case hex characters, as IAM stores them. */
  readonly thumbprint: string;
  readonly subject: string;
}

/**
 * AWS's documented thumbprint: the SHA-1 fingerprint of the last certificate the host presents in
 * its TLS handshake (the top of the chain it sends, not a root added from our own trust store).
 *
 * Node completes a peer chain from the local trust store, so the handshake uses an empty store:
 * then the chain holds only what the server sent. Trust in the host is checked elsewhere (the
 * discovery and key fetches verify TLS normally).
 */
export async function thumbprintOf(url: string, timeoutMs = 10_000): Promise<HostThumbprint> {
  const { hostname, port } = new URL(url);
  const host = port ? `${hostname}:${port}` : hostname;
  const chain = await new Promise<DetailedPeerCertificate>((resolve, reject) => {
    const socket = connect({
      host: hostname.replace(/^\[|\]$/g, ""),
      port: port ? Number(port) : 443,
      servername: /^[\d.]+$|:/.test(hostname) ? undefined : hostname,
      ca: [],
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    socket.once("secureConnect", () => {
      const peer = socket.getPeerCertificate(true);
      socket.end();
      if (!peer.raw) reject(new Error("the server presented no certificate"));
      else resolve(peer);
    });
    socket.once("timeout", () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    socket.once("error", reject);
  }).catch((err: unknown) => {
    throw new BridgeError(
      `cannot read the TLS certificate of ${host}: ${err instanceof Error ? err.message : String(err)}`,
      {
        code: "OIDC_THUMBPRINT_FAILED",
        fault: "cloud",
        cause: err,
        hint: "check that this machine can reach the host on port 443",
      },
    );
  });
  const top = lastPresented(chain);
  const cert = new X509Certificate(top.raw);
  return {
    host,
    thumbprint: cert.fingerprint.replace(/:/g, "").toLowerCase(),
    subject: cert.subject.replace(/\n/g, ", "),
  };
}

function lastPresented(leaf: DetailedPeerCertificate): PeerCertificate {
  let current: DetailedPeerCertificate = leaf;
  const seen = new Set<string>();
  while (current.issuerCertificate && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    // A self-signed certificate is its own issuer: the end of the chain.
    if (current.issuerCertificate.fingerprint256 === current.fingerprint256) break;
    current = current.issuerCertificate;
  }
  return current;
}

import { isIP } from "node:net";
import { connect, rootCertificates, type DetailedPeerCertificate } from "node:tls";
import { AwsApiError } from "./errors.js";

/**
 * When CreateOpenIDConnectProvider gets no ThumbprintList, IAM connects to the provider's host
 * and records the SHA-1 of the top intermediate CA of the certificate chain it is shown. The
 * sandbox does the same for loopback hosts (its own issuers); it never reaches out to the internet.
 */

const CONNECT_TIMEOUT_MS = 5_000;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.replace(/^\[|\]$/g, "").toLowerCase());
}

function selfSigned(cert: DetailedPeerCertificate): boolean {
  return cert.fingerprint256 === cert.issuerCertificate?.fingerprint256;
}

/** The last certificate of the chain that is not a self-signed root, as lower-case hex SHA-1. */
export function topIntermediate(leaf: DetailedPeerCertificate): string {
  let top = leaf;
  const seen = new Set<string>();
  for (let cert = leaf; cert && !seen.has(cert.fingerprint256); cert = cert.issuerCertificate) {
    seen.add(cert.fingerprint256);
    if (selfSigned(cert)) break;
    top = cert;
  }
  return top.fingerprint.replace(/:/g, "").toLowerCase();
}

export function fetchIdpThumbprint(host: string, port: number, caPem: string): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, "");
  return new Promise((resolve, reject) => {
    const fail = (): void =>
      reject(
        new AwsApiError(
          "OpenIdIdpCommunicationError",
          400,
          `Could not connect to the OpenID Connect identity provider at ${host}:${port}.`,
        ),
      );
    const socket = connect({
      host: bare,
      port,
      ca: [...rootCertificates, caPem],
      ...(isIP(bare) === 0 ? { servername: bare } : {}),
      timeout: CONNECT_TIMEOUT_MS,
    });
    socket.once("secureConnect", () => {
      const thumbprint = topIntermediate(socket.getPeerCertificate(true));
      socket.end();
      resolve(thumbprint);
    });
    socket.once("timeout", () => {
      socket.destroy();
      fail();
    });
    socket.once("error", fail);
  });
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { isIPv4 } from "node:net";

/**
 * What the sandbox's what-is-my-IP answers for a caller on this machine. Every sandbox caller is
 * on loopback, and 127.0.0.1/32 as an admin CIDR would make the network rules meaningless, so the
 * answer is a fixed address from a documentation range (RFC 5737 TEST-NET-2): the CIDR the CLI
 * derives looks like a real public one, and can never match a real host.
 */
export const SANDBOX_PUBLIC_IPV4 = "198.51.100.7";

export interface CheckIpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly operation: "CheckIp";
  readonly write: false;
}

/** The address the service reports for a caller: the caller's own, or the fixed one for loopback. */
export function publicAddressOf(remoteAddress: string | undefined): string {
  const address = remoteAddress?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  if (address === undefined || address === "::1" || (isIPv4(address) && address.startsWith("127."))) {
    return SANDBOX_PUBLIC_IPV4;
  }
  return address;
}

/**
 * The answer to one request. Shaped like the harness's SandboxResponse, so a service's `handle`
 * can return it for the "checkip" listener. Without `remoteAddress` (the harness does not pass it)
 * the caller is taken to be local, as every sandbox caller is.
 */
export function checkIpResponse(req: {
  readonly method: string;
  readonly path: string;
  readonly remoteAddress?: string | undefined;
}): CheckIpResponse {
  const base = { operation: "CheckIp", write: false } as const;
  if (req.method !== "GET" && req.method !== "HEAD") {
    return {
      ...base,
      status: 405,
      headers: { "content-type": "text/plain", allow: "GET, HEAD" },
      body: "Method Not Allowed\n",
    };
  }
  if (req.path !== "/") {
    return { ...base, status: 404, headers: { "content-type": "text/plain" }, body: "Not Found\n" };
  }
  const body = req.method === "HEAD" ? "" : `${publicAddressOf(req.remoteAddress)}\n`;
  return {
    ...base,
    status: 200,
    headers: { "content-type": "text/plain;charset=UTF-8", "cache-control": "no-cache" },
    body,
  };
}

/** The same as a Node request listener, for an `http(s).createServer` of its own. */
export function handleCheckIp(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const answer = checkIpResponse({ method: req.method ?? "GET", path, remoteAddress: req.socket.remoteAddress });
  const length = Buffer.byteLength(
    req.method === "HEAD" ? `${publicAddressOf(req.socket.remoteAddress)}\n` : answer.body,
  );
  res.writeHead(answer.status, { ...answer.headers, "content-length": String(length) });
  res.end(answer.body);
}

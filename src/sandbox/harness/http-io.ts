import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxRequest, SandboxResponse } from "./types.js";

// Far above any real control-plane request; only here so a runaway client cannot exhaust memory.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readSandboxRequest(listener: string, req: IncomingMessage): Promise<SandboxRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  const rawUrl = req.url ?? "/";
  const mark = rawUrl.indexOf("?");
  return {
    listener,
    method: req.method ?? "GET",
    path: mark === -1 ? rawUrl : rawUrl.slice(0, mark),
    query: new URLSearchParams(mark === -1 ? "" : rawUrl.slice(mark + 1)),
    rawUrl,
    headers: req.headers,
    body: Buffer.concat(chunks),
  };
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/**
 * Turns a service's response into bytes: objects become JSON unless the service chose a type.
 * Header names keep the service's spelling (real AWS sends "x-amzn-RequestId"); lookups ignore case.
 */
export function serialise(response: SandboxResponse): WireResponse {
  const headers: Record<string, string> = { ...response.headers };
  let body: Buffer;
  const raw = response.body;
  if (raw === undefined) body = Buffer.alloc(0);
  else if (Buffer.isBuffer(raw)) body = raw;
  else if (typeof raw === "string") body = Buffer.from(raw, "utf8");
  else {
    body = Buffer.from(JSON.stringify(raw), "utf8");
    if (!findHeader(headers, "content-type")) headers["content-type"] = "application/json";
  }
  const length = findHeader(headers, "content-length");
  if (length) delete headers[length];
  // 204 and 304 must not carry a body or a length.
  if (response.status === 204 || response.status === 304) body = Buffer.alloc(0);
  else headers["content-length"] = String(body.length);
  return { status: response.status, headers, body };
}

function findHeader(headers: Record<string, string>, name: string): string | undefined {
  return Object.keys(headers).find((key) => key.toLowerCase() === name);
}

/** Sends and resolves once the bytes are handed to the OS (or the client went away). */
export function send(res: ServerResponse, wire: WireResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.headersSent || res.destroyed) {
      resolve();
      return;
    }
    res.once("close", () => resolve());
    res.once("error", () => resolve());
    res.writeHead(wire.status, wire.headers);
    res.end(wire.body, () => resolve());
  });
}

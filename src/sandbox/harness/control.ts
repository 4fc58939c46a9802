import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** What the control listener answers on GET /identity. */
export interface SandboxIdentity {
  readonly sandbox: "oidc-bridge";
  readonly instanceId: string;
  readonly pid: number;
}

export const CONTROL_IDENTITY_PATH = "/identity";
export const CONTROL_ENDPOINTS_PATH = "/endpoints";

/**
 * The harness's own plain-HTTP listener, apart from the emulated APIs so they stay exactly as the
 * real clouds are. It tells a command in another terminal whether the process named in
 * running.json really is that sandbox (a recycled pid is not), and lists the current endpoints,
 * dynamic listeners included. It holds no secret: the instance id only tells two starts apart.
 */
export function createControlServer(identity: SandboxIdentity, endpoints: () => Record<string, string>): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    // Nothing here reads a body; drain it so keep-alive clients are not stuck.
    req.resume();
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") return reply(res, 405, { error: "only GET" });
    if (path === CONTROL_IDENTITY_PATH) return reply(res, 200, identity);
    if (path === CONTROL_ENDPOINTS_PATH) return reply(res, 200, endpoints());
    return reply(res, 404, { error: `no such control path ${path ?? ""}` });
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTcpServer, type Server as NetServer, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { listenOnFreshPort } from "./bind.js";
import type { SandboxCa } from "./ca.js";
import { closeServer } from "./ports.js";
import { SandboxError } from "./sandbox-error.js";
import type { DynamicListener, DynamicListenerSpec } from "./types.js";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Every server the harness runs, fixed and dynamic, and the requests inside them. */
export interface ListenerPool {
  /** An HTTP(S) server whose requests wait for `open()` and then go to the handler of `name`. */
  httpServer(name: string, tls: boolean, chain: "a" | "b"): Server;
  /** Routes requests of listener `name`. */
  setHandler(name: string, handler: RequestHandler): void;
  /** Lets requests through once every service has started. */
  open(): void;
  /** A listener opened while running; `handlerFor` makes the request handler of an HTTP(S) one. */
  add(spec: DynamicListenerSpec, handlerFor: (name: string, tls: boolean) => RequestHandler): Promise<DynamicListener>;
  /** Whether a name is taken by a fixed or an open dynamic listener. */
  has(name: string): boolean;
  /** Stops accepting everywhere, gives requests in flight up to `graceMs`, then drops every socket. */
  closeAll(graceMs: number): Promise<void>;
}

export interface ListenerPoolDeps {
  readonly ca: SandboxCa;
  readonly fixedNames: readonly string[];
  /** The shared endpoints object: published dynamic listeners are added and removed here. */
  readonly endpoints: Record<string, string>;
  /** Told after a published listener came or went. */
  readonly onEndpointsChange?: (endpoints: Readonly<Record<string, string>>) => Promise<void>;
}

interface Running {
  readonly server: NetServer;
  /** Raw sockets of a TCP listener (HTTP servers track their own). */
  readonly sockets: Set<Socket> | undefined;
}

export function createListenerPool(deps: ListenerPoolDeps): ListenerPool {
  let opened!: () => void;
  const ready = new Promise<void>((resolve) => (opened = resolve));
  const inFlight = new Set<Promise<void>>();
  const handlers = new Map<string, RequestHandler>();
  const fixed = new Set(deps.fixedNames);
  const servers = new Set<NetServer>();
  const dynamic = new Map<string, DynamicListener>();
  let stopping = false;

  const route = (name: string, req: IncomingMessage, res: ServerResponse): void => {
    const task = ready.then(async () => {
      const handler = handlers.get(name);
      if (handler) return handler(req, res);
      // The listener was closed while this request waited.
      res.writeHead(503, { "content-type": "text/plain", connection: "close" }).end(`listener "${name}" is closed\n`);
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task)).catch(() => undefined);
  };

  const httpServer = (name: string, tls: boolean, chain: "a" | "b"): Server => {
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => route(name, req, res);
    const server = tls ? createHttpsServer({ ...deps.ca.chain(chain) }, onRequest) : createHttpServer(onRequest);
    servers.add(server);
    return server;
  };

  const announce = async (): Promise<void> => {
    await deps.onEndpointsChange?.({ ...deps.endpoints });
  };

  const add: ListenerPool["add"] = async (spec, handlerFor) => {
    if (stopping)
      throw new SandboxError("SANDBOX_STOPPING", `cannot open listener "${spec.name}": the sandbox is stopping`);
    if (fixed.has(spec.name) || dynamic.has(spec.name)) {
      throw new SandboxError("SANDBOX_LISTENER_EXISTS", `a sandbox listener named "${spec.name}" is already open`);
    }
    const running =
      spec.kind === "tcp"
        ? tcpServer(spec.onConnection)
        : { server: httpServer(spec.name, spec.kind === "https", spec.chain ?? "a"), sockets: undefined };
    const { server } = running;
    servers.add(server);
    // Reserved before the bind, so two adds of one name cannot both pass the check above.
    const placeholder: DynamicListener = { name: spec.name, port: 0, url: "", close: () => Promise.resolve() };
    dynamic.set(spec.name, placeholder);
    let port: number;
    try {
      port = await listenOnFreshPort(server, spec.name);
    } catch (err) {
      dynamic.delete(spec.name);
      servers.delete(server);
      throw err;
    }
    const url = `${spec.kind}://127.0.0.1:${port}`;
    if (spec.kind !== "tcp") handlers.set(spec.name, handlerFor(spec.name, spec.kind === "https"));
    let closing: Promise<void> | undefined;
    const listener: DynamicListener = {
      name: spec.name,
      port,
      url,
      close() {
        closing ??= (async () => {
          handlers.delete(spec.name);
          dynamic.delete(spec.name);
          await stopServer(server, running.sockets);
          servers.delete(server);
          if (spec.publish && deps.endpoints[spec.name] === url) {
            delete deps.endpoints[spec.name];
            if (!stopping) await announce();
          }
        })();
        return closing;
      },
    };
    dynamic.set(spec.name, listener);
    if (spec.publish) {
      deps.endpoints[spec.name] = url;
      try {
        await announce();
      } catch (err) {
        await listener.close();
        throw err;
      }
    }
    return listener;
  };

  return {
    httpServer,
    setHandler: (name, handler) => handlers.set(name, handler),
    open: () => opened(),
    add,
    has: (name) => fixed.has(name) || dynamic.has(name),
    async closeAll(graceMs) {
      stopping = true;
      // Requests still held at the gate (start-up failed) may go on and fail, rather than wait forever.
      opened();
      await Promise.all([...dynamic.values()].map((listener) => listener.close()));
      const closed = [...servers].map((server) => closeServer(server));
      for (const server of servers) if ("closeIdleConnections" in server) (server as Server).closeIdleConnections();
      await Promise.race([Promise.allSettled([...inFlight]), sleep(graceMs, undefined, { ref: false })]);
      for (const server of servers) if ("closeAllConnections" in server) (server as Server).closeAllConnections();
      await Promise.all(closed);
    },
  };
}

function tcpServer(onConnection: (socket: Socket) => void): Running {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // An unhandled socket error would take the whole sandbox down.
    socket.on("error", () => socket.destroy());
    try {
      onConnection(socket);
    } catch {
      socket.destroy();
    }
  });
  return { server, sockets };
}

/** Stops one listener now: no grace, it was asked to go. */
async function stopServer(server: NetServer, sockets: Set<Socket> | undefined): Promise<void> {
  const closed = closeServer(server);
  if (sockets) for (const socket of sockets) socket.destroy();
  if ("closeAllConnections" in server) (server as Server).closeAllConnections();
  await closed;
}

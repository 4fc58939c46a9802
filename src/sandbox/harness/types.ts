import type { IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";

/**
 * The contract between the sandbox harness and the emulated clouds.
 *
 * One `SandboxService` emulates one cloud (all of AWS, all of Azure) so that the pieces of one cloud
 * can see each other's state (STS reads IAM roles, ARM checks Entra's signatures) without
 * cross-service plumbing. A service asks for one or more listeners; each gets its own port on
 * 127.0.0.1, because the real SDKs address each API by endpoint, not by path.
 */

export interface ListenerSpec {
  /** Short name, also the journal's `service` field and the key in `endpoints` (e.g. "iam", "arm"). */
  readonly name: string;
  /** HTTPS with the sandbox CA's chain, or plain HTTP. */
  readonly tls: boolean;
  /**
   * Which intermediate CA signs this listener's leaf. Two listeners on different chains present
   * different top certificates, as Azure's issuer and key hosts do. Default "a".
   */
  readonly chain?: "a" | "b";
}

export interface SandboxRequest {
  readonly listener: string;
  readonly method: string;
  /** Path exactly as sent, without the query string, not decoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Path and query exactly as sent (what SigV4 and LRO URLs need). */
  readonly rawUrl: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface SandboxResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else is sent as JSON. */
  readonly body?: string | Buffer | object;
  /** The API operation, e.g. "CreateOpenIDConnectProvider" or "ResourceGroups_CreateOrUpdate". */
  readonly operation: string;
  /** True when the call changed emulated state: counted by "die after N writes" and the journal. */
  readonly write?: boolean;
}

export interface ServiceContext {
  /**
   * Base URL (scheme://127.0.0.1:port, no trailing slash) of every listener of every service, and
   * of every dynamic listener opened with `publish`, while it is open.
   */
  readonly endpoints: Readonly<Record<string, string>>;
  /** The sandbox root CA, PEM. */
  readonly caPem: string;
  /** Environment the sandbox was started with (fault and control switches). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Milliseconds since the epoch; tests may shift it. */
  now(): number;
  /**
   * This service's persisted document, loaded from disk on first use (or `init()` when absent).
   * Mutate it in place, then `save()`.
   */
  state<T extends object>(init: () => T): T;
  /** Writes the service's document to disk atomically (mode 0600). */
  save(): Promise<void>;
  /** Wait as the latency profile says an operation of this name takes (0 in the fast profile). */
  latency(operation: string): Promise<void>;
  /**
   * Opens one more listener on 127.0.0.1 (a fresh port) while the sandbox runs, e.g. a VM's SSH
   * server. HTTP(S) requests go through the same journal, fault and dispatch pipeline as the fixed
   * listeners, to this service's `handle` with `req.listener` set to the name. Closed by `close()`
   * or when the sandbox stops.
   */
  addListener(spec: DynamicListenerSpec): Promise<DynamicListener>;
}

interface DynamicListenerBase {
  /** Unique among all listeners, fixed and dynamic: the journal's `service` field and the endpoint key. */
  readonly name: string;
  /**
   * Long-lived: list it in `endpoints` (and so in running.json, for commands in other terminals)
   * until it is closed.
   */
  readonly publish?: boolean;
}

export interface HttpListenerSpec extends DynamicListenerBase {
  readonly kind: "http" | "https";
  /** Certificate chain for "https" (see ListenerSpec.chain). Default "a". */
  readonly chain?: "a" | "b";
}

export interface TcpListenerSpec extends DynamicListenerBase {
  readonly kind: "tcp";
  /** Gets every accepted connection; the harness destroys the socket if this throws. */
  readonly onConnection: (socket: Socket) => void;
}

export type DynamicListenerSpec = HttpListenerSpec | TcpListenerSpec;

export interface DynamicListener {
  readonly name: string;
  readonly port: number;
  /** `http(s)://127.0.0.1:<port>` or `tcp://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** Stops accepting, drops its connections, and unlists it. Idempotent. */
  close(): Promise<void>;
}

export interface SandboxService {
  readonly name: string;
  readonly listeners: readonly ListenerSpec[];
  /** Real-world duration of each operation in ms, scaled by the `realistic` latency profile. */
  readonly latencyMs?: Readonly<Record<string, number>>;
  /** The service's own wire shape for an injected throttle or server error. */
  faultResponse(listener: string, status: 429 | 500 | 503, retryAfterSeconds: number): SandboxResponse;
  handle(req: SandboxRequest, ctx: ServiceContext): Promise<SandboxResponse>;
  /** Called once after the listeners are bound, before the first request. */
  start?(ctx: ServiceContext): Promise<void>;
  /**
   * Called once when the sandbox stops, before its listeners close: for what a service runs beside
   * its listeners (a VM's processes and SSH sessions). Must not throw.
   */
  stop?(): Promise<void>;
}

export interface JournalEntry {
  readonly time: string;
  readonly service: string;
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly write: boolean;
  readonly fault?: string;
  readonly request?: { headers: Record<string, unknown>; body: string };
  readonly response?: { headers: Record<string, unknown>; body: string };
}

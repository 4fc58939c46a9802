import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensurePrivateDir } from "../../util/atomic-file.js";
import { loadOrCreateCa } from "./ca.js";
import { dispatch } from "./dispatch.js";
import { createFaultInjector, createWriteCounter, seededRandom, type RandomSource } from "./faults.js";
import { openJournal } from "./journal.js";
import { closeServer, listenLocal, loadPorts, savePorts, type PortMap } from "./ports.js";
import { readSandboxSettings, type SandboxSettings } from "./settings.js";
import { openStateStore, type StateStore } from "./state-store.js";
import type { ListenerSpec, SandboxService, ServiceContext } from "./types.js";

export interface StartSandboxOptions {
  /** Sandbox folder: CA, ports, state documents and journal live here (created 0700). */
  dir: string;
  services: SandboxService[];
  /** Switches (SANDBOX_ENV); defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Clock for services and the journal; defaults to Date.now. */
  now?: () => number;
  /** Called with 137 when DIE_AFTER_WRITES is reached; defaults to process.exit. */
  exit?: (code: number) => void;
  /** Random source in [0, 1) for fault injection; pass seededRandom(n) for repeatable runs. */
  random?: RandomSource;
}

export interface RunningSandbox {
  /** Listener name → `http(s)://127.0.0.1:<port>`, no trailing slash. */
  endpoints: Record<string, string>;
  /** Root CA certificate, PEM: what clients must trust. */
  caPem: string;
  dir: string;
  journalPath: string;
  stop(): Promise<void>;
}

/** Exit status of a process killed by SIGKILL, which is what the crash simulation looks like. */
export const CRASH_EXIT_CODE = 137;
// A handler stuck forever must not make stop() hang with it.
const STOP_GRACE_MS = 5_000;

interface Bound {
  readonly spec: ListenerSpec;
  readonly service: SandboxService;
  readonly server: Server;
  port: number;
}

export async function startSandbox(opts: StartSandboxOptions): Promise<RunningSandbox> {
  const { dir, services } = opts;
  const env = opts.env ?? process.env;
  const now = opts.now ?? Date.now;
  const settings = readSandboxSettings(env);
  checkListenerNames(services);
  await ensurePrivateDir(dir);

  const ca = await loadOrCreateCa(join(dir, "ca"));
  const stores = new Map<string, StateStore>();
  for (const service of services) stores.set(service.name, await openStateStore(dir, service.name));
  const journalPath = join(dir, "journal.jsonl");
  const journal = await openJournal(journalPath, { bodies: settings.journalBodies });

  // Requests can arrive as soon as a port is bound; they wait here until every service has started.
  let open!: () => void;
  const ready = new Promise<void>((resolve) => (open = resolve));
  const inFlight = new Set<Promise<void>>();
  const handlers = new Map<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>();

  const bound: Bound[] = [];
  for (const service of services) {
    for (const spec of service.listeners) {
      const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
        const task = ready.then(() => handlers.get(spec.name)?.(req, res));
        inFlight.add(task);
        void task.finally(() => inFlight.delete(task)).catch(() => undefined);
      };
      const server = spec.tls
        ? createHttpsServer({ ...ca.chain(spec.chain ?? "a") }, onRequest)
        : createHttpServer(onRequest);
      bound.push({ spec, service, server, port: 0 });
    }
  }

  const portsPath = join(dir, "ports.json");
  try {
    await bindAll(bound, await loadPorts(portsPath), portsPath);
  } catch (err) {
    await abandon(bound);
    await journal.close();
    throw err;
  }
  const endpoints: Record<string, string> = {};
  for (const b of bound) endpoints[b.spec.name] = `${b.spec.tls ? "https" : "http"}://127.0.0.1:${b.port}`;

  const flushAll = async (): Promise<void> => {
    await Promise.all([...stores.values()].map((store) => store.flush()));
  };
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const writes = createWriteCounter(settings.dieAfterWrites, async () => {
    await flushAll();
    exit(CRASH_EXIT_CODE);
  });
  const faults = createFaultInjector(
    settings,
    opts.random ?? (settings.faultSeed === null ? undefined : seededRandom(settings.faultSeed)),
  );

  const contexts = new Map<string, ServiceContext>();
  for (const service of services) {
    const store = stores.get(service.name)!;
    contexts.set(service.name, makeContext(service, store, { endpoints, caPem: ca.rootPem, env, now, settings }));
  }
  for (const b of bound) {
    const deps = {
      service: b.service,
      listener: b.spec,
      ctx: contexts.get(b.service.name)!,
      journal,
      faults,
      addedLatencyMs: settings.addedLatencyMs,
      now,
      afterWrite: () => writes.recordWrite(),
    };
    handlers.set(b.spec.name, (req, res) => dispatch(req, res, deps));
  }

  try {
    for (const service of services) await service.start?.(contexts.get(service.name)!);
  } catch (err) {
    await abandon(bound);
    await journal.close();
    throw err;
  }
  open();

  let stopping: Promise<void> | undefined;
  return {
    endpoints,
    caPem: ca.rootPem,
    dir,
    journalPath,
    stop() {
      stopping ??= (async () => {
        // Stop accepting, let requests already inside a handler finish, then drop every socket.
        const closed = bound.map((b) => closeServer(b.server));
        for (const b of bound) b.server.closeIdleConnections();
        await Promise.race([Promise.allSettled([...inFlight]), sleep(STOP_GRACE_MS, undefined, { ref: false })]);
        for (const b of bound) b.server.closeAllConnections();
        await Promise.all(closed);
        await flushAll();
        await journal.close();
      })();
      return stopping;
    },
  };
}

/** Start-up failed: release the ports now, whatever clients are connected. */
async function abandon(bound: readonly Bound[]): Promise<void> {
  const closed = bound.map((b) => closeServer(b.server));
  for (const b of bound) b.server.closeAllConnections();
  await Promise.all(closed);
}

function checkListenerNames(services: readonly SandboxService[]): void {
  const seen = new Set<string>();
  for (const service of services) {
    for (const spec of service.listeners) {
      if (seen.has(spec.name))
        throw new Error(`sandbox listener name "${spec.name}" is used twice (names key ports.json and endpoints)`);
      seen.add(spec.name);
    }
  }
}

async function bindAll(bound: Bound[], saved: PortMap, portsPath: string): Promise<void> {
  let changed = false;
  for (const b of bound) {
    const wanted = saved[b.spec.name];
    try {
      b.port = await listenLocal(b.server, wanted ?? 0);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (wanted !== undefined && code === "EADDRINUSE") {
        throw new Error(
          `sandbox listener "${b.spec.name}" cannot bind 127.0.0.1:${wanted} (kept in ${portsPath}): the port is in use, ` +
            `probably by another sandbox running from this folder. Stop it first; deleting ports.json picks new ports but changes issuer URLs.`,
          { cause: err },
        );
      }
      throw new Error(
        `sandbox listener "${b.spec.name}" cannot bind 127.0.0.1:${wanted ?? "any port"}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (wanted !== b.port) {
      saved[b.spec.name] = b.port;
      changed = true;
    }
  }
  if (changed) await savePorts(portsPath, saved);
}

interface ContextDeps {
  endpoints: Readonly<Record<string, string>>;
  caPem: string;
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  settings: SandboxSettings;
}

function makeContext(service: SandboxService, store: StateStore, deps: ContextDeps): ServiceContext {
  const { settings } = deps;
  return {
    endpoints: deps.endpoints,
    caPem: deps.caPem,
    env: deps.env,
    now: deps.now,
    state: (init) => store.get(init),
    save: () => store.save(),
    async latency(operation) {
      if (settings.profile !== "realistic") return;
      const ms = (service.latencyMs?.[operation] ?? 0) * settings.latencyScale;
      if (ms > 0) await sleep(ms);
    },
  };
}

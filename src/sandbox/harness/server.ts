import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { listenOnFreshPort, listenOnKeptPort, type BindRetry } from "./bind.js";
import { loadOrCreateCa } from "./ca.js";
import { createControlServer } from "./control.js";
import { dispatch } from "./dispatch.js";
import { createFaultInjector, createWriteCounter, seededRandom, type RandomSource } from "./faults.js";
import { openJournal } from "./journal.js";
import { createListenerPool, type RequestHandler } from "./listener-pool.js";
import { closeServer, loadPorts, savePorts } from "./ports.js";
import { ensureDir } from "./safe-file.js";
import { SandboxError } from "./sandbox-error.js";
import { readSandboxSettings, type SandboxSettings } from "./settings.js";
import { openStateStore, type StateStore } from "./state-store.js";
import type { DynamicListener, DynamicListenerSpec, ListenerSpec, SandboxService, ServiceContext } from "./types.js";

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
  /** Told after a published dynamic listener opened or closed, with the endpoints now. */
  onEndpointsChange?: (endpoints: Readonly<Record<string, string>>) => Promise<void>;
  /** Told before each wait to bind a kept port again (it was in use). */
  onBindRetry?: (retry: BindRetry) => void;
}

export interface RunningSandbox {
  /** Listener name → `http(s)://127.0.0.1:<port>`, no trailing slash; published dynamic ones too. */
  endpoints: Record<string, string>;
  /** Root CA certificate, PEM: what clients must trust. */
  caPem: string;
  dir: string;
  journalPath: string;
  /** New on every start: running.json records it and the control listener answers it. */
  instanceId: string;
  /** The harness's own plain-HTTP listener (identity, endpoints), not an emulated API. */
  controlUrl: string;
  /** Opens a listener while running (see ServiceContext.addListener), owned by the named service. */
  addListener(serviceName: string, spec: DynamicListenerSpec): Promise<DynamicListener>;
  stop(): Promise<void>;
}

/** Exit status of a process killed by SIGKILL, which is what the crash simulation looks like. */
export const CRASH_EXIT_CODE = 137;
// A handler stuck forever must not make stop() hang with it.
const STOP_GRACE_MS = 5_000;
// The control listener's name in errors; not an endpoint, so it cannot clash with a service's.
const CONTROL = "control";

interface Fixed {
  readonly spec: ListenerSpec;
  readonly service: SandboxService;
  readonly server: Server;
  port: number;
}

export async function startSandbox(opts: StartSandboxOptions): Promise<RunningSandbox> {
  const { dir, services } = opts;
  const env = opts.env ?? process.env;
  const now = opts.now ?? Date.now;
  // Everything that can be checked without the disk is checked before the folder exists.
  const names = checkListenerNames(services);
  const settings = readSandboxSettings(env, names);
  await ensureDir(dir);

  const ca = await loadOrCreateCa(join(dir, "ca"));
  const stores = new Map<string, StateStore>();
  for (const service of services) stores.set(service.name, await openStateStore(dir, service.name));
  const portsPath = join(dir, "ports.json");
  const savedPorts = await loadPorts(portsPath);
  const journalPath = join(dir, "journal.jsonl");
  const journal = await openJournal(journalPath, { bodies: settings.journalBodies });

  const endpoints: Record<string, string> = {};
  const pool = createListenerPool({
    ca,
    fixedNames: names,
    endpoints,
    ...(opts.onEndpointsChange ? { onEndpointsChange: opts.onEndpointsChange } : {}),
  });
  const fixed: Fixed[] = services.flatMap((service) =>
    service.listeners.map((spec) => ({
      spec,
      service,
      server: pool.httpServer(spec.name, spec.tls, spec.chain ?? "a"),
      port: 0,
    })),
  );
  const instanceId = randomUUID();
  const control = createControlServer({ sandbox: "oidc-bridge", instanceId, pid: process.pid }, () => ({
    ...endpoints,
  }));
  let controlPort: number;

  const abandon = async (err: unknown): Promise<never> => {
    // A service may have started things before another one failed (stop() copes with "not started").
    await stopServices(services);
    await Promise.all([pool.closeAll(0), closeNow(control)]);
    await journal.close();
    throw err;
  };

  try {
    await bindFixed(fixed, savedPorts, portsPath, opts.onBindRetry);
    controlPort = await listenOnFreshPort(control, CONTROL);
  } catch (err) {
    return abandon(err);
  }
  for (const f of fixed) endpoints[f.spec.name] = `${f.spec.tls ? "https" : "http"}://127.0.0.1:${f.port}`;

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
  const handlerFor = (service: SandboxService, listener: ListenerSpec): RequestHandler => {
    const deps = {
      service,
      listener,
      ctx: contexts.get(service.name)!,
      journal,
      faults,
      addedLatencyMs: settings.addedLatencyMs,
      now,
      afterWrite: () => writes.recordWrite(),
    };
    return (req, res) => dispatch(req, res, deps);
  };
  const addListener = (service: SandboxService, spec: DynamicListenerSpec): Promise<DynamicListener> =>
    pool.add(spec, (name, tls) => handlerFor(service, { name, tls }));
  for (const service of services) {
    const store = stores.get(service.name)!;
    contexts.set(
      service.name,
      makeContext(service, store, {
        endpoints,
        caPem: ca.rootPem,
        env,
        now,
        settings,
        addListener: (spec) => addListener(service, spec),
      }),
    );
  }
  for (const f of fixed) pool.setHandler(f.spec.name, handlerFor(f.service, f.spec));

  try {
    for (const service of services) await service.start?.(contexts.get(service.name)!);
  } catch (err) {
    return abandon(err);
  }
  pool.open();

  let stopping: Promise<void> | undefined;
  return {
    endpoints,
    caPem: ca.rootPem,
    dir,
    journalPath,
    instanceId,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    addListener(serviceName, spec) {
      const service = services.find((s) => s.name === serviceName);
      if (!service) throw new SandboxError("SANDBOX_NO_SUCH_SERVICE", `no sandbox service named "${serviceName}"`);
      return addListener(service, spec);
    },
    stop() {
      stopping ??= (async () => {
        // What services run beside their listeners goes first, while its clients are still connected.
        await stopServices(services);
        // Stop accepting, let requests already inside a handler finish, then drop every socket.
        await Promise.all([pool.closeAll(STOP_GRACE_MS), closeNow(control)]);
        await flushAll();
        await journal.close();
      })();
      return stopping;
    },
  };
}

/** Each service's stop(), whatever the others do. */
async function stopServices(services: readonly SandboxService[]): Promise<void> {
  await Promise.allSettled(services.map(async (service) => service.stop?.()));
}

async function closeNow(server: Server): Promise<void> {
  const closed = closeServer(server);
  server.closeAllConnections();
  await closed;
}

function checkListenerNames(services: readonly SandboxService[]): string[] {
  const seen: string[] = [];
  for (const service of services) {
    for (const spec of service.listeners) {
      if (seen.includes(spec.name))
        throw new Error(`sandbox listener name "${spec.name}" is used twice (names key ports.json and endpoints)`);
      seen.push(spec.name);
    }
  }
  return seen;
}

async function bindFixed(
  fixed: Fixed[],
  saved: Record<string, number>,
  portsPath: string,
  onRetry: ((retry: BindRetry) => void) | undefined,
): Promise<void> {
  let changed = false;
  for (const f of fixed) {
    const kept = saved[f.spec.name];
    f.port =
      kept === undefined
        ? await listenOnFreshPort(f.server, f.spec.name)
        : await listenOnKeptPort(f.server, f.spec.name, kept, portsPath, onRetry);
    if (kept !== f.port) {
      saved[f.spec.name] = f.port;
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
  addListener: (spec: DynamicListenerSpec) => Promise<DynamicListener>;
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
    addListener: deps.addListener,
  };
}

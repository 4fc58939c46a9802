import { userError } from "../errors.js";
import type { HeldLock, LockHolder } from "./lock.js";
import { LocalStateBackend, STATE_FILE, type StateBackend } from "./backend.js";
import { migrateState } from "./migrate.js";
import { parseOwnJson } from "./state-dir.js";
import {
  STATE_VERSION,
  stateSchema,
  type LayerName,
  type RecordKind,
  type RecordOf,
  type ResourceRecord,
  type State,
} from "./schema.js";

export { STATE_FILE };
export type Target = State["target"];

/** Reads the state file without taking the lock (for `status`). Undefined when there is none. */
export async function readState(dir: string, target?: Target): Promise<State | undefined> {
  return readFrom(new LocalStateBackend(dir), target);
}

async function readFrom(backend: StateBackend, target?: Target): Promise<State | undefined> {
  const text = await backend.read();
  if (text === undefined) return undefined;
  return parseState(text, backend.location, target);
}

export function parseState(text: string, where: string, target?: Target): State {
  const json = parseOwnJson(text, (why) => corrupt(where, why));
  const version = typeof json === "object" && json !== null && "version" in json ? json.version : undefined;
  if (typeof version === "number" && version > STATE_VERSION) {
    throw userError(
      "STATE_NEWER",
      `${where} has state version ${version}, newer than this oidc-bridge understands (${STATE_VERSION})`,
      "upgrade oidc-bridge; the file was left untouched",
    );
  }
  const parsed = stateSchema.safeParse(migrateState(json));
  if (!parsed.success) {
    throw corrupt(where, parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; "));
  }
  if (target && parsed.data.target !== target) {
    throw userError(
      "STATE_TARGET_MISMATCH",
      `${where} records a deployment in the ${parsed.data.target === "sandbox" ? "sandbox" : "real clouds"}, but this command runs against the ${target === "sandbox" ? "sandbox" : "real clouds"}`,
      target === "sandbox"
        ? "add no --sandbox, or use another --state-dir for the sandbox"
        : "add --sandbox, or use another --state-dir",
    );
  }
  return parsed.data;
}

function corrupt(where: string, why: string): Error {
  return userError(
    "STATE_CORRUPT",
    `${where} is not a valid oidc-bridge state file: ${why}`,
    `it was left untouched; restore ${where}.bak (the previous version) if it is valid, or move the file away to start over`,
  );
}

export interface OpenStoreOptions {
  readonly dir: string;
  readonly target: Target;
  readonly command: string;
  readonly warn: (message: string) => void;
  readonly now?: () => Date;
  /** Defaults to the local state folder `dir`. */
  readonly backend?: StateBackend;
}

/** A record as a caller writes it: the store stamps the time. */
export type NewRecord = ResourceRecord extends infer R
  ? R extends ResourceRecord
    ? Omit<R, "recordedAt">
    : never
  : never;

/** The read side of the state, which plans and lookups get. */
export interface StateView {
  readonly deploymentId: string;
  records<K extends RecordKind>(kind: K, layer?: LayerName): readonly RecordOf<K>[];
  find<K extends RecordKind>(kind: K, id?: string): RecordOf<K> | undefined;
}

/**
 * The one state document, held under the backend's lock for a command's lifetime. Every change
 * goes through one queue and is written at once (atomically, previous version kept), so
 * concurrent nodes never lose each other's records and a run killed at any point loses nothing it
 * had created.
 */
export class StateStore implements StateView {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly backend: StateBackend,
    private current: State,
    private readonly lock: HeldLock,
    private readonly now: () => Date,
    private persisted: boolean,
  ) {}

  static async open(options: OpenStoreOptions): Promise<StateStore> {
    const backend = options.backend ?? new LocalStateBackend(options.dir);
    const me: LockHolder = { pid: process.pid, startedAt: new Date().toISOString(), command: options.command };
    const lock = await backend.lock(me, options.warn);
    try {
      const now = options.now ?? (() => new Date());
      const existing = await readFrom(backend, options.target);
      const state = existing ?? (await fresh(options.target, now()));
      return new StateStore(backend, state, lock, now, existing !== undefined);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  get state(): Readonly<State> {
    return this.current;
  }

  get path(): string {
    return this.backend.location;
  }

  get deploymentId(): string {
    return this.current.deploymentId;
  }

  records<K extends RecordKind>(kind: K, layer?: LayerName): readonly RecordOf<K>[] {
    return stateView(this.current).records(kind, layer);
  }

  find<K extends RecordKind>(kind: K, id?: string): RecordOf<K> | undefined {
    return stateView(this.current).find(kind, id);
  }

  /** Records (or replaces, by kind + id) a resource. */
  put(record: NewRecord): Promise<void> {
    return this.update((state) => {
      const entry: ResourceRecord = { ...record, recordedAt: this.now().toISOString() };
      const others = state.resources.filter((r) => !(r.kind === entry.kind && sameId(r.id, entry.id)));
      return { ...state, resources: [...others, entry] };
    });
  }

  /** Before a create: written first, so a crash after the cloud call still leaves it ours. */
  intend(record: Omit<NewRecord, "status" | "createdByUs">): Promise<void> {
    return this.put({ ...record, status: "intended", createdByUs: true } as NewRecord);
  }

  forget(kind: RecordKind, id: string): Promise<void> {
    return this.update((state) => ({
      ...state,
      resources: state.resources.filter((r) => !(r.kind === kind && sameId(r.id, id))),
    }));
  }

  completeLayer(layer: LayerName, summary: string): Promise<void> {
    return this.update((state) =>
      // An unchanged re-run leaves the file alone: nothing happened worth a write.
      state.layers[layer]?.summary === summary
        ? state
        : { ...state, layers: { ...state.layers, [layer]: { completedAt: this.now().toISOString(), summary } } },
    );
  }

  /**
   * Writes a fresh state file before the first cloud write, so the deployment id that tags our
   * resources survives even a run killed right after its first create.
   */
  ensureSaved(): Promise<void> {
    return this.update((state) => state, true);
  }

  /**
   * After `destroy`: an empty deployment under the same id (so tags still trace anything left),
   * keeping only the records `keep` picks. The backup file gets `before`, the deployment as
   * destroy found it, rather than the last step's near-empty one.
   */
  clearDeployment(keep: (record: ResourceRecord) => boolean, before: State): Promise<void> {
    return this.update(
      (state) => {
        const resources = state.resources.filter(keep);
        // A rerun with nothing left to do writes nothing.
        const same = resources.length === state.resources.length && !Object.keys(state.layers).length;
        return same ? state : { ...state, resources, layers: {} };
      },
      false,
      `${JSON.stringify(before, null, 2)}\n`,
    );
  }

  /** Waits for queued writes, then releases the lock. */
  async close(): Promise<void> {
    try {
      await this.queue;
    } finally {
      await this.lock.release();
    }
  }

  /**
   * Applies `change` to the latest document, in order with every other change, and writes it. A
   * change that returns the same document writes nothing (unless the file was never saved).
   */
  update(change: (state: State) => State, saveIfNew = false, backup?: string): Promise<void> {
    const run = this.queue.then(async () => {
      const next = change(this.current);
      if (next === this.current && !(saveIfNew && !this.persisted)) return;
      const state = stateSchema.parse({ ...next, updatedAt: this.now().toISOString() });
      await this.backend.write(`${JSON.stringify(state, null, 2)}\n`, backup);
      this.current = state;
      this.persisted = true;
    });
    // A failed write fails its caller; later writes still run against the last good document.
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** A read-only view of a state document read without the lock (for `ssh`, which must not hold it). */
export function stateView(state: State | undefined): StateView {
  const resources = state?.resources ?? [];
  const records = <K extends RecordKind>(kind: K, layer?: LayerName) =>
    resources.filter((r): r is RecordOf<K> => r.kind === kind && (layer === undefined || r.layer === layer));
  return {
    deploymentId: state?.deploymentId ?? "",
    records,
    find: <K extends RecordKind>(kind: K, id?: string) =>
      records(kind).find((r) => id === undefined || sameId(r.id, id)),
  };
}

/** ARM ids are case-insensitive; ARNs and names are compared as Azure and AWS compare them. */
export function sameId(a: string, b: string): boolean {
  return a.startsWith("/") ? a.toLowerCase() === b.toLowerCase() : a === b;
}

async function fresh(target: Target, now: Date): Promise<State> {
  // Imported here: `status` never creates state, and node:crypto is slow to load.
  const { randomBytes } = await import("node:crypto");
  return {
    version: STATE_VERSION,
    deploymentId: `ob-${randomBytes(5).toString("hex")}`,
    target,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    resources: [],
    layers: {},
  };
}

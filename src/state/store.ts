import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ensurePrivateDir, writeFileAtomic } from "../util/atomic-file.js";
import { userError } from "../errors.js";
import { acquireLock, type HeldLock, type LockHolder } from "./lock.js";
import { STATE_VERSION, stateSchema, type LayerName, type ResourceRecord, type State } from "./schema.js";

export const STATE_FILE = "state.json";

export type Target = State["target"];

/** Reads the state file without taking the lock (for `status`). Undefined when there is none. */
export async function readState(dir: string, target?: Target): Promise<State | undefined> {
  const path = join(dir, STATE_FILE);
  let text: string;
  try {
    const info = await lstat(path);
    if (info.isSymbolicLink()) {
      throw userError(
        "STATE_SYMLINK",
        `${path} is a symbolic link; oidc-bridge never reads or writes state through a link`,
        "replace the link with the real file, or use another --state-dir",
      );
    }
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw corrupt(path, "it is not valid JSON (cut short or edited by hand?)");
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version > STATE_VERSION) {
    throw userError(
      "STATE_NEWER",
      `${path} has state version ${version}, newer than this oidc-bridge understands (${STATE_VERSION})`,
      "upgrade oidc-bridge; the file was left untouched",
    );
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    throw corrupt(path, parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; "));
  }
  if (target && parsed.data.target !== target) {
    throw userError(
      "STATE_TARGET_MISMATCH",
      `${path} records a deployment in the ${parsed.data.target === "sandbox" ? "sandbox" : "real clouds"}, but this command runs against the ${target === "sandbox" ? "sandbox" : "real clouds"}`,
      target === "sandbox"
        ? "add no --sandbox, or use another --state-dir for the sandbox"
        : "add --sandbox, or use another --state-dir",
    );
  }
  return parsed.data;
}

function corrupt(path: string, why: string): Error {
  return userError(
    "STATE_CORRUPT",
    `${path} is not a valid oidc-bridge state file: ${why}`,
    `it was left untouched; restore ${path}.bak (the previous version) if it is valid, or move the file away to start over`,
  );
}

export interface OpenStoreOptions {
  readonly dir: string;
  readonly target: Target;
  readonly command: string;
  readonly warn: (message: string) => void;
  readonly now?: () => Date;
}

/**
 * The one local state file, held under an exclusive lock for a command's lifetime. Every change is
 * written at once (atomically, 0600, previous version kept as .bak), so a run killed at any point
 * loses nothing it had created.
 */
export class StateStore {
  private constructor(
    readonly dir: string,
    private current: State,
    private readonly lock: HeldLock,
    private readonly now: () => Date,
    private persisted: boolean,
  ) {}

  static async open(options: OpenStoreOptions): Promise<StateStore> {
    await ensurePrivateDir(options.dir);
    const me: LockHolder = { pid: process.pid, startedAt: new Date().toISOString(), command: options.command };
    const lock = await acquireLock(options.dir, me, options.warn);
    try {
      const now = options.now ?? (() => new Date());
      const existing = await readState(options.dir, options.target);
      const state = existing ?? (await fresh(options.target, now()));
      return new StateStore(options.dir, state, lock, now, existing !== undefined);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  get state(): Readonly<State> {
    return this.current;
  }

  get path(): string {
    return join(this.dir, STATE_FILE);
  }

  find(kind: string, layer?: LayerName): ResourceRecord | undefined {
    return this.current.resources.find((r) => r.kind === kind && (!layer || r.layer === layer));
  }

  /** Records (or updates, by kind + id) a resource the moment it exists in the cloud. */
  async record(
    resource: Omit<ResourceRecord, "recordedAt" | "attributes"> & { attributes?: Record<string, unknown> },
  ): Promise<void> {
    const entry: ResourceRecord = { attributes: {}, ...resource, recordedAt: this.now().toISOString() };
    const others = this.current.resources.filter((r) => !(r.kind === entry.kind && r.id === entry.id));
    await this.write({ ...this.current, resources: [...others, entry] });
  }

  async forget(kind: string, id: string): Promise<void> {
    await this.write({
      ...this.current,
      resources: this.current.resources.filter((r) => !(r.kind === kind && r.id === id)),
    });
  }

  async completeLayer(layer: LayerName, summary: string): Promise<void> {
    // An unchanged re-run leaves the file alone: nothing happened worth a write.
    if (this.current.layers[layer]?.summary === summary) return;
    await this.write({
      ...this.current,
      layers: { ...this.current.layers, [layer]: { completedAt: this.now().toISOString(), summary } },
    });
  }

  /**
   * Writes a fresh state file before the first cloud write, so the deployment id that tags our
   * resources survives even a run killed right after its first create.
   */
  async ensureSaved(): Promise<void> {
    if (!this.persisted) await this.write(this.current);
  }

  async close(): Promise<void> {
    await this.lock.release();
  }

  private async write(next: State): Promise<void> {
    const state = stateSchema.parse({ ...next, updatedAt: this.now().toISOString() });
    if (this.persisted) {
      // Keep the previous version: a bad edit or a bug can be undone by hand.
      await writeFileAtomic(`${this.path}.bak`, await readFile(this.path));
    }
    await writeFileAtomic(this.path, `${JSON.stringify(state, null, 2)}\n`);
    this.current = state;
    this.persisted = true;
  }
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

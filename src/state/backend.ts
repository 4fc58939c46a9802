import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-file.js";
import { userError } from "../errors.js";
import { acquireLock, type HeldLock, type LockHolder } from "./lock.js";
import { prepareStateDir, readOwnFile } from "./state-dir.js";

export const STATE_FILE = "state.json";

/**
 * Where the state document lives and how it is locked. The layers never see this: a shared
 * backend for teams (S3 with conditional writes, Azure Blob with a lease) is another
 * implementation of these four calls.
 */
export interface StateBackend {
  /** For messages: where the state is, e.g. a path or a bucket key. */
  readonly location: string;
  /** The document's text, or undefined when there is none yet. */
  read(): Promise<string | undefined>;
  /** Replaces the document atomically, keeping the previous version (or `backup` in its place). */
  write(text: string, backup?: string): Promise<void>;
  /** One command at a time. */
  lock(holder: LockHolder, warn: (message: string) => void): Promise<HeldLock>;
}

/** The state folder on this machine: state.json (0600) in a 0700 folder, .bak beside it. */
export class LocalStateBackend implements StateBackend {
  constructor(readonly dir: string) {}

  get location(): string {
    return join(this.dir, STATE_FILE);
  }

  async read(): Promise<string | undefined> {
    const path = this.location;
    return readOwnFile(path, (why) =>
      userError(
        "STATE_CORRUPT",
        `${path} is not a valid oidc-bridge state file: ${why}`,
        `it was left untouched; restore ${path}.bak (the previous version) if it is valid, or move the file away to start over`,
      ),
    );
  }

  async write(text: string, backup?: string): Promise<void> {
    const previous = backup ?? (await this.read());
    // Keep the previous version: a bad edit or a bug can be undone by hand.
    if (previous !== undefined) await writeFileAtomic(`${this.location}.bak`, previous);
    await writeFileAtomic(this.location, text);
  }

  async lock(holder: LockHolder, warn: (message: string) => void): Promise<HeldLock> {
    // Every file this run will write is checked here, before the lock and any cloud call.
    await prepareStateDir(this.dir, { warn });
    return acquireLock(this.dir, holder, warn);
  }
}

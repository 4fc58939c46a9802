import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ensurePrivateDir, writeFileAtomic } from "../util/atomic-file.js";
import { userError } from "../errors.js";
import { acquireLock, type HeldLock, type LockHolder } from "./lock.js";

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
  /** Replaces the document atomically, keeping the previous version. */
  write(text: string): Promise<void>;
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
    try {
      const info = await lstat(path);
      if (info.isSymbolicLink()) {
        throw userError(
          "STATE_SYMLINK",
          `${path} is a symbolic link; oidc-bridge never reads or writes state through a link`,
          "replace the link with the real file, or use another --state-dir",
        );
      }
      return await readFile(path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  async write(text: string): Promise<void> {
    const previous = await this.read();
    // Keep the previous version: a bad edit or a bug can be undone by hand.
    if (previous !== undefined) await writeFileAtomic(`${this.location}.bak`, previous);
    await writeFileAtomic(this.location, text);
  }

  async lock(holder: LockHolder, warn: (message: string) => void): Promise<HeldLock> {
    await ensurePrivateDir(this.dir);
    return acquireLock(this.dir, holder, warn);
  }
}

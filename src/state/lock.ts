import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { userError } from "../errors.js";

export interface LockHolder {
  readonly pid: number;
  readonly startedAt: string;
  readonly command: string;
}

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * One command at a time per state folder. The lock is a file created with O_EXCL holding the
 * holder's pid; a lock whose pid is gone (a killed run) is taken over, with a warning.
 */
export async function acquireLock(dir: string, me: LockHolder, warn: (message: string) => void): Promise<HeldLock> {
  const path = join(dir, "lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, "wx", 0o600);
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = await readHolder(path);
    if (holder && isAlive(holder.pid)) {
      throw userError(
        "STATE_LOCKED",
        `another oidc-bridge command holds the lock on ${dir}: pid ${holder.pid} (\`${holder.command}\`), started at ${holder.startedAt}`,
        "wait for it to finish, or stop it; each state folder takes one command at a time",
      );
    }
    warn(
      holder
        ? `taking over a stale lock on ${dir}: its holder, pid ${holder.pid} (\`${holder.command}\`, started ${holder.startedAt}), is no longer running`
        : `taking over an unreadable lock file in ${dir}`,
    );
    await rm(path, { force: true });
  }
  throw userError(
    "STATE_LOCKED",
    `could not take the lock on ${dir}: another command took it at the same moment`,
    "run the command again",
  );
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const value = JSON.parse(await readFile(path, "utf8")) as Partial<LockHolder>;
    if (typeof value.pid === "number")
      return { pid: value.pid, startedAt: String(value.startedAt), command: String(value.command) };
  } catch {
    // A half-written lock file (killed between create and write) counts as stale.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

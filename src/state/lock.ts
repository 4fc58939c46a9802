import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { userError } from "../errors.js";
import { CREATE_FLAGS } from "../util/atomic-file.js";
import { diskFull, errnoOf, isDiskFull } from "../util/fs-errors.js";
import { readRegularFile } from "../util/safe-read.js";
import { parseStrictJson } from "../util/strict-json.js";

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
    let handle;
    try {
      handle = await open(path, CREATE_FLAGS, 0o600);
    } catch (err) {
      if (errnoOf(err) !== "EEXIST") throw isDiskFull(err) ? diskFull(path, err) : err;
    }
    if (handle) {
      try {
        try {
          await handle.writeFile(JSON.stringify(me));
        } finally {
          await handle.close();
        }
      } catch (err) {
        // A lock we could not fill in is no lock: leave nothing behind for the next run to puzzle over.
        await rm(path, { force: true });
        throw isDiskFull(err) ? diskFull(path, err) : err;
      }
      return { release: () => rm(path, { force: true }) };
    }
    const holder = await readHolder(path);
    if (holder && (await isAlive(holder.pid))) {
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
  const read = await readRegularFile(path, { followLinks: false, maxBytes: 64 * 1024 });
  if (!read.ok) {
    if (read.reason === "link" || read.reason === "not-regular")
      throw userError(
        "STATE_FILE_NOT_REGULAR",
        `${path} is ${read.reason === "link" ? "a symbolic link" : read.kind}, not the lock file oidc-bridge writes`,
        "move it away; oidc-bridge never reads or writes its files through a link",
      );
    return undefined;
  }
  try {
    const value = parseStrictJson(read.text) as Partial<Record<keyof LockHolder, unknown>> | null;
    if (value && typeof value.pid === "number" && Number.isSafeInteger(value.pid) && value.pid > 0)
      return { pid: value.pid, startedAt: String(value.startedAt), command: String(value.command) };
  } catch {
    // A half-written lock file (killed between create and write) counts as stale.
  }
  return undefined;
}

/** Whether `pid` runs. A zombie (killed, not yet reaped by its parent) holds nothing: it is dead. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    if (errnoOf(err) !== "EPERM") return false;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The state letter follows the command name, which is in parentheses and may contain any.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    // Off Linux there is no /proc: trust kill(). On Linux the process ended between the two looks.
    return process.platform !== "linux";
  }
}

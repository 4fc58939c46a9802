import { constants } from "node:fs";
import { lstat, open, readdir, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { BridgeError, EXIT, userError } from "../errors.js";
import { CREATE_FLAGS, TEMP_NAME, tempNameOf } from "../util/atomic-file.js";
import { diskFull, errnoOf, isDiskFull } from "../util/fs-errors.js";
import { makePrivateDir, octal, tooOpen } from "../util/private-dir.js";
import { kindOf, readRegularFile } from "../util/safe-read.js";
import { JsonSyntaxError, parseStrictJson } from "../util/strict-json.js";
import { isAlive } from "./lock.js";

/** Every file a command may write in the state folder (temp files aside, which are always new). */
export const STATE_DIR_FILES = ["state.json", "state.json.bak", "lock"] as const;

/** Entries that show a folder is a state folder oidc-bridge made earlier. */
const OUR_ENTRIES = new Set<string>([...STATE_DIR_FILES, "sandbox"]);

export interface PrepareStateDirOptions {
  readonly warn: (message: string) => void;
  /** Further files this run will write there (e.g. key files), checked like the state file. */
  readonly files?: readonly string[];
}

/**
 * Makes the state folder ready before anything else happens, so a problem with it stops the run
 * before the first cloud call, not after a resource group was created:
 * - a new folder is created 0700; an existing one is never chmod-ed: if others may write it, it is
 *   refused; if they may only read it, it is refused unless it is a state folder we made earlier,
 *   which gets a warning with the fix;
 * - every file the run will write must be a regular file (or absent), not a link, folder or FIFO;
 *   one of ours that others may read is made 0600 again, with a warning;
 * - the folder must take a new file (read-only file systems, permissions, a full disk);
 * - temp files left by killed runs are removed.
 */
export async function prepareStateDir(dir: string, options: PrepareStateDirOptions): Promise<void> {
  const absolute = resolve(dir);
  const made = await makePrivateDir(absolute);
  if (!made.created) {
    const mode = made.info.mode;
    if ((mode & 0o022) !== 0) throw tooOpen(absolute, mode);
    if ((mode & 0o077) !== 0) {
      if (!(await looksOurs(absolute))) throw tooOpen(absolute, mode);
      options.warn(
        `${absolute} is readable by other users (mode ${octal(mode)}); oidc-bridge made it 0700 and leaves it as you set it. To keep the state private again: chmod 700 '${absolute}'`,
      );
    }
  }
  for (const name of [...STATE_DIR_FILES, ...(options.files ?? [])]) await checkOwnFile(join(absolute, name), options);
  await removeStaleTemps(absolute);
  await probeWritable(absolute);
}

async function looksOurs(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((entry) => OUR_ENTRIES.has(entry));
  } catch {
    return false;
  }
}

async function checkOwnFile(path: string, options: PrepareStateDirOptions): Promise<void> {
  let info;
  try {
    info = await lstat(path);
  } catch (err) {
    if (errnoOf(err) === "ENOENT") return;
    throw err;
  }
  if (info.isSymbolicLink()) {
    throw userError(
      "STATE_SYMLINK",
      `${path} is a symbolic link; oidc-bridge never reads or writes state through a link`,
      "replace the link with the real file (or remove it), or use another --state-dir",
    );
  }
  if (!info.isFile()) {
    throw userError(
      "STATE_FILE_NOT_REGULAR",
      `${path} is ${kindOf(info)}, where oidc-bridge keeps a file of its own`,
      "move it out of the state folder, or use another --state-dir",
    );
  }
  if ((info.mode & 0o077) !== 0) {
    // Opened without following links, then fixed on the handle: the file checked is the file changed.
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      await handle.chmod(0o600);
    } finally {
      await handle.close();
    }
    options.warn(`${path} was readable by other users (mode ${octal(info.mode)}); set it back to 0600`);
  }
}

/** Temp files of runs killed mid-write: only those whose process is gone. */
async function removeStaleTemps(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = TEMP_NAME.exec(entry);
    if (!match || Number(match[2]) === process.pid) continue;
    if (!(await isAlive(Number(match[2])))) await rm(join(dir, entry), { force: true });
  }
}

async function probeWritable(dir: string): Promise<void> {
  const probe = join(dir, tempNameOf("probe", 0));
  try {
    const handle = await open(probe, CREATE_FLAGS, 0o600);
    await handle.close();
  } catch (err) {
    if (isDiskFull(err)) throw diskFull(dir, err);
    const errno = errnoOf(err);
    if (errno === "EACCES" || errno === "EPERM" || errno === "EROFS") {
      throw new BridgeError(
        `--state-dir: cannot write in ${dir}: ${errno === "EROFS" ? "the file system is read-only" : "permission denied"} (${errno})`,
        {
          code: "STATE_DIR_NOT_WRITABLE",
          fault: "user",
          exitCode: EXIT.usage,
          hint: "point --state-dir at a folder you can write (a new path is created with mode 0700)",
          cause: err,
        },
      );
    }
    throw err;
  } finally {
    await rm(probe, { force: true });
  }
}

/** Far above any state file we write; a bigger one was not written by us. */
const MAX_STATE_BYTES = 64 * 1024 * 1024;

/**
 * Reads a file oidc-bridge owns in the state folder (the state file): never through a link, never
 * anything but a regular file, so a FIFO put in its place cannot hang the run. Undefined if absent.
 */
export async function readOwnFile(path: string, corrupt: (why: string) => Error): Promise<string | undefined> {
  const read = await readRegularFile(path, { followLinks: false, maxBytes: MAX_STATE_BYTES });
  if (read.ok) return read.text;
  switch (read.reason) {
    case "missing":
      return undefined;
    case "link":
      throw userError(
        "STATE_SYMLINK",
        `${path} is a symbolic link; oidc-bridge never reads or writes state through a link`,
        "replace the link with the real file, or use another --state-dir",
      );
    case "not-regular":
      throw userError(
        "STATE_FILE_NOT_REGULAR",
        `${path} is ${read.kind}, where oidc-bridge keeps a file of its own`,
        "move it out of the state folder, or use another --state-dir",
      );
    case "too-large":
      throw corrupt(`it is ${read.size} bytes, far more than any state file oidc-bridge writes`);
    case "error":
      if (read.errno === "ENOTDIR")
        throw userError(
          "STATE_DIR_NOT_FOLDER",
          `--state-dir: ${dirname(path)} (or a folder above it) is not a folder`,
          "point --state-dir at a folder of your own (a new path is created with mode 0700)",
        );
      if (read.errno === "ENAMETOOLONG")
        throw userError(
          "STATE_DIR_PATH_TOO_LONG",
          `--state-dir: the path ${dirname(path).slice(0, 60)}... is too long`,
          "use a shorter path",
        );
      throw new BridgeError(`cannot read ${path} (${read.errno})`, {
        code: "STATE_UNREADABLE",
        hint: "check the permissions of the state folder and its files",
        cause: read.cause,
      });
  }
}

/** Parses a JSON document oidc-bridge wrote: keys given twice or named "__proto__" are refused. */
export function parseOwnJson(text: string, corrupt: (why: string) => Error): unknown {
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw corrupt(
      err.kind === "syntax" ? `it is not valid JSON (cut short or edited by hand?): ${err.message}` : err.message,
    );
  }
  const proto = findProtoKey(value, "");
  if (proto !== undefined) throw corrupt(`it has a key named "__proto__" at ${proto || "the top level"}`);
  return value;
}

function findProtoKey(value: unknown, path: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key === "__proto__") return path;
    const found = findProtoKey(inner, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

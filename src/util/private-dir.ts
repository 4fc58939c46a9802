import type { Stats } from "node:fs";
import { chmod, lstat, mkdir, rmdir, stat } from "node:fs/promises";
import { isAbsolute, join, parse, resolve, sep } from "node:path";
import { BridgeError, EXIT, userError } from "../errors.js";
import { diskFull, errnoOf, isDiskFull } from "./fs-errors.js";
import { kindOf } from "./safe-read.js";

/** Linux's limits: PATH_MAX counts the terminating NUL, NAME_MAX one component. */
const PATH_MAX = 4095;
const NAME_MAX = 255;

const FIX = "point --state-dir at a folder of your own (a new path is created with mode 0700)";

/** Refuses a path the kernel would refuse anyway, before touching the disk, with its length. */
export function checkPathShape(dir: string): void {
  const bytes = Buffer.byteLength(dir);
  const shown = dir.length > 80 ? `${dir.slice(0, 60)}...(${bytes} bytes)` : dir;
  if (bytes > PATH_MAX || dir.includes("\0")) {
    throw userError(
      "STATE_DIR_PATH_TOO_LONG",
      dir.includes("\0")
        ? `--state-dir: the path contains a NUL character`
        : `--state-dir: the path ${shown} is ${bytes} bytes long; paths are at most ${PATH_MAX} bytes`,
      "use a shorter path",
    );
  }
  const long = dir.split(sep).find((part) => Buffer.byteLength(part) > NAME_MAX);
  if (long !== undefined) {
    throw userError(
      "STATE_DIR_PATH_TOO_LONG",
      `--state-dir: the path ${shown} has a name of ${Buffer.byteLength(long)} bytes ("${long.slice(0, 24)}..."); each folder name is at most ${NAME_MAX} bytes`,
      "use shorter folder names",
    );
  }
}

export interface MadeDir {
  /** Whether the last folder of the path was created now (false: it existed). */
  readonly created: boolean;
  readonly info: Stats;
}

/**
 * Makes `dir` and any missing parents, each created with mode 0700, one component at a time so
 * the loop has a bound (a recursive mkdir on a file system such as /proc retries forever). The
 * last component must be a real folder, not a link; earlier ones may be links to folders (as
 * /var/run is). Modes of folders that already exist are never changed. On failure the folders
 * created by this call are removed again.
 */
export async function makePrivateDir(dir: string): Promise<MadeDir> {
  const absolute = resolve(dir);
  checkPathShape(absolute);
  const root = parse(absolute).root;
  const parts = absolute.slice(root.length).split(sep).filter(Boolean);
  const created: string[] = [];
  try {
    let current = root;
    let info: Stats = await lstat(root);
    for (let i = 0; i < parts.length; i++) {
      current = join(current, parts[i] as string);
      const last = i === parts.length - 1;
      let found = await lstatIfAny(current, absolute);
      if (!found) {
        try {
          await mkdir(current, { mode: 0o700 });
          // A umask may have taken bits away; this folder is ours, so it gets exactly 0700.
          await chmod(current, 0o700);
          created.push(current);
        } catch (err) {
          if (errnoOf(err) !== "EEXIST") throw createError(current, absolute, err);
        }
        found = await lstatIfAny(current, absolute);
        if (!found) throw createError(current, absolute, undefined);
      }
      if (found.isSymbolicLink()) {
        if (last) {
          throw userError(
            "UNSAFE_DIRECTORY",
            `--state-dir: ${absolute} is a symbolic link; oidc-bridge keeps secrets there and never follows a link to them`,
            FIX,
          );
        }
        found = await stat(current).catch((err: unknown) => {
          throw createError(current, absolute, err);
        });
      }
      if (!found.isDirectory()) {
        throw userError(
          "STATE_DIR_NOT_FOLDER",
          current === absolute
            ? `--state-dir: ${absolute} is ${kindOf(found)}, not a folder`
            : `--state-dir: ${current} (part of ${absolute}) is ${kindOf(found)}, not a folder`,
          FIX,
        );
      }
      info = found;
    }
    return { created: created.length > 0 && created.at(-1) === absolute, info };
  } catch (err) {
    for (const path of created.reverse()) await rmdir(path).catch(() => undefined);
    throw err;
  }
}

/**
 * A folder for files that may be secret: made 0700 if missing; if it exists and others may read
 * or write it, refused with the fix (never chmod-ed behind the user's back).
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const made = await makePrivateDir(dir);
  if (!made.created && (made.info.mode & 0o077) !== 0) throw tooOpen(resolve(dir), made.info.mode);
}

export function tooOpen(dir: string, mode: number): BridgeError {
  return userError(
    "STATE_DIR_TOO_OPEN",
    `--state-dir: ${dir} is open to other users (mode ${octal(mode)}); oidc-bridge keeps secrets there and will not change the mode of a folder it did not create`,
    `use a new folder (it is created 0700), or if this folder is yours alone: chmod 700 '${dir}'`,
  );
}

export function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, "0")}`;
}

async function lstatIfAny(path: string, whole: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (errnoOf(err) === "ENOENT") return undefined;
    throw createError(path, whole, err);
  }
}

function createError(path: string, whole: string, err: unknown): BridgeError {
  if (isDiskFull(err)) return diskFull(path, err);
  const errno = errnoOf(err);
  const where = path === whole ? path : `${path} (part of ${whole})`;
  if (errno === "EACCES" || errno === "EPERM" || errno === "EROFS") {
    return new BridgeError(
      `--state-dir: cannot create or use ${where}: ${errno === "EROFS" ? "the file system is read-only" : "permission denied"} (${errno})`,
      { code: "STATE_DIR_NOT_WRITABLE", fault: "user", exitCode: EXIT.usage, hint: FIX, cause: err },
    );
  }
  if (errno === "ENAMETOOLONG") {
    return new BridgeError(`--state-dir: the path ${whole.slice(0, 60)}... is too long (${errno})`, {
      code: "STATE_DIR_PATH_TOO_LONG",
      fault: "user",
      exitCode: EXIT.usage,
      hint: "use a shorter path",
      cause: err,
    });
  }
  return new BridgeError(
    `--state-dir: cannot create ${where}${errno ? ` (${errno})` : ""}; this file system does not take ordinary folders${isAbsolute(whole) && /^\/(proc|sys|dev)(\/|$)/.test(whole) ? ` (${whole.split("/")[1]} is a kernel file system)` : ""}`,
    { code: "STATE_DIR_CANNOT_CREATE", fault: "user", exitCode: EXIT.usage, hint: FIX, cause: err },
  );
}

import { constants } from "node:fs";
import { lstat, open, rename, rm } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import { userError } from "../errors.js";
import { diskFull, errnoOf, isDiskFull } from "./fs-errors.js";
import { makePrivateDir } from "./private-dir.js";
import { kindOf } from "./safe-read.js";

export { ensurePrivateDir } from "./private-dir.js";

/** Flags of every file we create: new only (O_EXCL never follows a link), and no link at the path. */
export const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Temp files are named `.<target>.<pid>.<time>.<n>.tmp`; the pid tells a stale one from a live one. */
export function tempNameOf(target: string, counter: number): string {
  return `.${target}.${process.pid}.${Date.now().toString(36)}.${counter.toString(36)}.tmp`;
}

export const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-z]+\.[0-9a-z]+\.tmp$/;

let tmpCounter = 0;

/**
 * Writes a file so that readers see either the old or the new content, never half of it: a temp
 * file in the same folder, fsync, rename over the target. Mode 0600. Refuses a target that is a
 * link or not a regular file. Whatever fails, the temp file is removed; a full disk is reported as
 * such, naming the file.
 */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const dir = dirname(path);
  await makePrivateDir(dir);
  try {
    const existing = await lstat(path);
    if (existing.isSymbolicLink() || !existing.isFile())
      throw userError(
        "UNSAFE_FILE",
        `refusing to write ${path}: it is ${kindOf(existing)}`,
        "oidc-bridge never writes through a link or over anything but its own file: move it away",
      );
  } catch (err) {
    if (errnoOf(err) !== "ENOENT") throw err;
  }
  // Unique per process and call; O_EXCL refuses a name that exists anyway. (No node:crypto:
  // loading it costs start-up time on the read-only paths that import this module.)
  const tmp = join(dir, tempNameOf(basename(path), tmpCounter++));
  let handle;
  try {
    handle = await open(tmp, CREATE_FLAGS, 0o600);
  } catch (err) {
    throw isDiskFull(err) ? diskFull(path, err) : err;
  }
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw isDiskFull(err) ? diskFull(path, err) : err;
  }
  // Make the rename itself durable.
  const dirHandle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

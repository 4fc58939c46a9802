import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { VmHostError } from "./vm-error.js";

/** Creates `dir` (and parents) 0700 and refuses a link or file in its place: VM folders hold keys. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (info.isSymbolicLink() || !info.isDirectory()) {
    throw new VmHostError("VM_UNSAFE_PATH", `${dir} is not a plain folder (a link or a file is in the way): remove it`);
  }
  if ((info.mode & 0o777) !== 0o700) await chmod(dir, 0o700);
}

/**
 * Writes `data` so that readers see the old or the new content, never half: temp file in the same
 * folder, fsync, rename. Never writes through a link at `path`.
 */
export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
  try {
    if ((await lstat(path)).isSymbolicLink()) {
      throw new VmHostError("VM_UNSAFE_PATH", `refusing to write ${path}: it is a symbolic link; remove the link`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(tmp, "wx", mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // The umask may have narrowed the mode given to open(): set it exactly (scripts need 0700).
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** The file's text, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

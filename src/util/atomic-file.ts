import { lstat, mkdir, open, rename, rm, chmod } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import { userError } from "../errors.js";

/**
 * Creates `dir` (and parents) with mode 0700 and checks that it is a real directory, not a link:
 * everything we keep there may be secret.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (info.isSymbolicLink() || !info.isDirectory()) {
    throw userError(
      "UNSAFE_DIRECTORY",
      `${dir} is not a plain directory (a symbolic link or a file is in the way)`,
      "oidc-bridge keeps secrets there and never follows links: point --state-dir at a real folder",
    );
  }
  if ((info.mode & 0o777) !== 0o700) await chmod(dir, 0o700);
}

/**
 * Writes a file so that readers see either the old or the new content, never half of it: a temp
 * file in the same folder, fsync, rename over the target. Mode 0600. Refuses to write through a
 * symbolic link at the target path.
 */
let tmpCounter = 0;

export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const dir = dirname(path);
  await ensurePrivateDir(dir);
  try {
    const existing = await lstat(path);
    if (existing.isSymbolicLink())
      throw userError(
        "UNSAFE_FILE",
        `refusing to write ${path}: it is a symbolic link`,
        "replace the link with a real file, or remove it",
      );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  // Unique per process and call; "wx" below refuses a name that exists anyway. (No node:crypto:
  // loading it costs start-up time on the read-only paths that import this module.)
  const tmp = join(
    dir,
    `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.${(tmpCounter++).toString(36)}.tmp`,
  );
  // "wx": never follow or reuse an existing file at the temp path.
  const handle = await open(tmp, "wx", 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  // Make the rename itself durable.
  const dirHandle = await open(dir, "r");
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

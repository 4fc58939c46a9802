import { constants } from "node:fs";
import { lstat, mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { SandboxError } from "./sandbox-error.js";

/**
 * Every file the sandbox writes holds or sits next to secrets (keys, credentials, tokens in the
 * journal), so none is ever opened through a symbolic link: a link planted in the sandbox folder
 * must not make us write, append to or change the mode of a file elsewhere.
 */

// Not defined on Windows; there the lstat checks below are what is left.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

/**
 * Creates `dir` and any missing parent 0700. A folder that already exists keeps its mode: it may be
 * shared on purpose (a temp dir, a home), and we have no business changing it. The folder itself
 * must be a real directory, not a link.
 */
export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  const info = await lstat(dir);
  if (info.isSymbolicLink() || !info.isDirectory()) {
    throw new SandboxError(
      "SANDBOX_UNSAFE_PATH",
      `${dir} is not a plain directory (a symbolic link or a file is in the way)`,
      "the sandbox keeps secrets there and never follows links: remove it, or use another --state-dir",
    );
  }
}

/** The file's text, or undefined when it does not exist; never read through a link. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | NOFOLLOW);
  } catch (err) {
    if (errnoOf(err) === "ENOENT") return undefined;
    throw refusal(path, err);
  }
  try {
    if (!(await handle.stat()).isFile()) throw notAFile(path);
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

let tmpCounter = 0;

/**
 * Replaces `path` so that readers see the old or the new content, never half of it: a temp file
 * made with O_EXCL|O_NOFOLLOW (mode 0600) in the same folder, fsync, rename, fsync the folder. A
 * link at `path` is refused rather than replaced, so a planted link is noticed. Whatever fails,
 * the temp file does not stay behind.
 */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const dir = dirname(path);
  await ensureDir(dir);
  const existing = await lstat(path).catch((err: unknown) => {
    if (errnoOf(err) === "ENOENT") return undefined;
    throw err;
  });
  if (existing?.isSymbolicLink()) throw refusal(path, undefined);
  const tmp = join(
    dir,
    `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.${(tmpCounter++).toString(36)}.tmp`,
  );
  const handle = await open(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW,
    PRIVATE_FILE,
  ).catch((err: unknown) => {
    throw new SandboxError(
      "SANDBOX_WRITE_FAILED",
      `cannot create a temp file next to ${path}: ${messageOf(err)}`,
      undefined,
      {
        cause: err,
      },
    );
  });
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
    throw new SandboxError(
      "SANDBOX_WRITE_FAILED",
      `cannot write ${path}: ${messageOf(err)}`,
      "check that the sandbox folder is writable and the path is a plain file",
      { cause: err },
    );
  }
  // Makes the rename itself survive a power cut.
  const dirHandle = await open(dir, constants.O_RDONLY);
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/**
 * Opens `path` for appending (created 0600). Refuses a link, anything but a plain file, and a file
 * with other hard links (appending would change the other name's content too).
 */
export async function openForAppend(path: string): Promise<FileHandle> {
  await ensureDir(dirname(path));
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW, PRIVATE_FILE);
  } catch (err) {
    throw refusal(path, err);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notAFile(path);
    if (info.nlink > 1) {
      throw new SandboxError(
        "SANDBOX_UNSAFE_PATH",
        `refusing to append to ${path}: it has ${info.nlink} hard links, so writing would change another file too`,
        `delete ${path} (the sandbox creates a fresh one)`,
      );
    }
    // Through the handle, never the path: a file left by an older run may be wider than 0600.
    if ((info.mode & 0o777) !== PRIVATE_FILE) await handle.chmod(PRIVATE_FILE);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Removes a file if it is there; unlink never follows a link, so this is safe on one. */
export async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

function refusal(path: string, err: unknown): Error {
  const code = errnoOf(err);
  // O_NOFOLLOW on a link fails with ELOOP (Linux, macOS) or EMLINK (FreeBSD).
  if (err === undefined || code === "ELOOP" || code === "EMLINK") {
    return new SandboxError(
      "SANDBOX_UNSAFE_PATH",
      `refusing to use ${path}: it is a symbolic link, and the sandbox never follows links in its folder`,
      `delete the link ${path} (the sandbox creates a plain file in its place)`,
      err === undefined ? undefined : { cause: err },
    );
  }
  if (err instanceof SandboxError) return err;
  return new SandboxError("SANDBOX_FILE_ERROR", `cannot open ${path}: ${messageOf(err)}`, undefined, { cause: err });
}

function notAFile(path: string): SandboxError {
  return new SandboxError(
    "SANDBOX_UNSAFE_PATH",
    `${path} is not a plain file`,
    `remove whatever is at ${path} (the sandbox creates a plain file in its place)`,
  );
}

export function errnoOf(err: unknown): string | undefined {
  return err && typeof err === "object" && "code" in err && typeof err.code === "string" ? err.code : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

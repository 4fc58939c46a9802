import { constants, type Stats } from "node:fs";
import { lstat, open, stat } from "node:fs/promises";
import { errnoOf } from "./fs-errors.js";

export type ReadOutcome =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: "missing" }
  | { readonly ok: false; readonly reason: "link" }
  | { readonly ok: false; readonly reason: "not-regular"; readonly kind: string }
  | { readonly ok: false; readonly reason: "too-large"; readonly size: number }
  | { readonly ok: false; readonly reason: "error"; readonly errno: string; readonly cause: unknown };

export interface SafeReadOptions {
  /** Files we own are never read through a link; a config the user names may be one. */
  readonly followLinks: boolean;
  readonly maxBytes: number;
}

/** What a file system entry is, in words for an error message. */
export function kindOf(info: Stats): string {
  if (info.isFile()) return "a file";
  if (info.isDirectory()) return "a folder";
  if (info.isSymbolicLink()) return "a symbolic link";
  if (info.isFIFO()) return "a named pipe (FIFO)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/**
 * Reads a regular file as UTF-8, refusing anything else before opening it: opening a FIFO waits
 * for a writer forever, and a device can stream without end. The open itself is non-blocking and
 * re-checked on the handle, so a file swapped for a FIFO between the check and the open is
 * refused too.
 */
export async function readRegularFile(path: string, options: SafeReadOptions): Promise<ReadOutcome> {
  let info: Stats;
  try {
    info = options.followLinks ? await stat(path) : await lstat(path);
  } catch (err) {
    const errno = errnoOf(err) ?? "EIO";
    if (errno === "ENOENT") return { ok: false, reason: "missing" };
    return { ok: false, reason: "error", errno, cause: err };
  }
  if (info.isSymbolicLink()) return { ok: false, reason: "link" };
  if (!info.isFile()) return { ok: false, reason: "not-regular", kind: kindOf(info) };
  if (info.size > options.maxBytes) return { ok: false, reason: "too-large", size: info.size };

  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.followLinks ? 0 : constants.O_NOFOLLOW);
  let handle;
  try {
    handle = await open(path, flags);
  } catch (err) {
    const errno = errnoOf(err) ?? "EIO";
    if (errno === "ENOENT") return { ok: false, reason: "missing" };
    if (errno === "ELOOP") return { ok: false, reason: "link" };
    return { ok: false, reason: "error", errno, cause: err };
  }
  try {
    const now = await handle.stat();
    if (!now.isFile()) return { ok: false, reason: "not-regular", kind: kindOf(now) };
    // Read until the end, or one byte past the limit: a file growing while we read is caught too.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, options.maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > options.maxBytes) return { ok: false, reason: "too-large", size: total };
    }
    return { ok: true, text: Buffer.concat(chunks).toString("utf8") };
  } catch (err) {
    return { ok: false, reason: "error", errno: errnoOf(err) ?? "EIO", cause: err };
  } finally {
    await handle.close();
  }
}

import { BridgeError, EXIT } from "../errors.js";

/** The errno code of a Node file-system error, if it is one. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function isDiskFull(err: unknown): boolean {
  const code = errnoOf(err);
  return code === "ENOSPC" || code === "EDQUOT";
}

/** A full disk (or quota) is not a mistake in the command, but the user has to act: exit 1. */
export function diskFull(path: string, cause: unknown): BridgeError {
  return new BridgeError(`disk full at ${path} (${errnoOf(cause) ?? "ENOSPC"})`, {
    code: "DISK_FULL",
    fault: "user",
    exitCode: EXIT.failure,
    hint: "free space on that file system (or raise the quota), then run the command again; nothing was left half-written",
    cause,
  });
}

/**
 * Turns a file-system error that no layer wrapped into one naming the path and a fix, so a full
 * disk or a refused write never reads as a bug in oidc-bridge.
 */
export function fileSystemError(err: unknown): BridgeError | undefined {
  const e = err as NodeJS.ErrnoException | null;
  const code = errnoOf(err);
  if (!code || typeof e?.path !== "string") return undefined;
  const path = e.path;
  if (isDiskFull(err)) return diskFull(path, err);
  const known: Record<string, [string, string]> = {
    EACCES: [`permission denied at ${path}`, "check the permissions of that path, or use another one"],
    EPERM: [`operation not permitted at ${path}`, "check the permissions of that path, or use another one"],
    EROFS: [`${path} is on a read-only file system`, "use a path on a writable file system"],
    ENAMETOOLONG: [`the path ${path.slice(0, 80)}... is too long`, "use a shorter path"],
    ELOOP: [`${path} goes through too many symbolic links`, "use a path without a link loop"],
    ENOTDIR: [`a part of ${path} is not a folder`, "check the path"],
    EISDIR: [`${path} is a folder where a file was expected`, "move the folder away or use another path"],
  };
  const entry = known[code];
  if (!entry) return undefined;
  return new BridgeError(`${entry[0]} (${code})`, {
    code: "FILE_SYSTEM",
    fault: "user",
    exitCode: EXIT.failure,
    hint: entry[1],
    cause: err,
  });
}

import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Tmpfs {
  readonly path: string;
  cleanup(): Promise<void>;
}

/**
 * A small tmpfs of its own, to fill up (a full disk) or mount read-only, without touching the
 * machine's disks. Needs root and a kernel that allows the mount; undefined where it cannot be
 * had, so callers can skip. Always unmounted by cleanup.
 */
export async function mountTmpfs(options: { sizeKb: number; readOnly?: boolean }): Promise<Tmpfs | undefined> {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return undefined;
  const path = await mkdtemp(join(tmpdir(), "oidc-bridge-tmpfs-"));
  const mountOptions = `size=${options.sizeKb}k,mode=0700${options.readOnly ? ",ro" : ""}`;
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", mountOptions, "tmpfs", path], { stdio: "ignore" });
  } catch {
    await rm(path, { recursive: true, force: true });
    return undefined;
  }
  return {
    path,
    cleanup: async () => {
      try {
        execFileSync("umount", [path], { stdio: "ignore" });
      } catch {
        // Still busy (a process of the test holds a file open): detach now, freed when released.
        execFileSync("umount", ["-l", path], { stdio: "ignore" });
      }
      await rm(path, { recursive: true, force: true });
    },
  };
}

/** Whether this machine can give tests their own tmpfs (root on Linux, mount allowed). */
export async function canMountTmpfs(): Promise<boolean> {
  const probe = await mountTmpfs({ sizeKb: 16 });
  if (!probe) return false;
  await probe.cleanup();
  return true;
}

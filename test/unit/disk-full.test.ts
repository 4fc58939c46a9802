import { afterEach, describe, expect, test } from "vitest";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/util/atomic-file.js";
import { StateStore } from "../../src/state/store.js";
import { bridgeFailure } from "../helpers/rejection.js";
import { canMountTmpfs, mountTmpfs, type Tmpfs } from "../helpers/tmpfs.js";

// A real full disk: a 64 KiB tmpfs of the test's own, filled up. Needs root (CI runs as root).
const mountable = await canMountTmpfs();
let fs: Tmpfs | undefined;
afterEach(async () => {
  await fs?.cleanup();
  fs = undefined;
});

async function fullDisk(): Promise<string> {
  fs = await mountTmpfs({ sizeKb: 64 });
  if (!fs) throw new Error("tmpfs mount failed");
  return fs.path;
}

/** Fills the file system up to the last byte. */
async function fill(root: string): Promise<void> {
  await writeFile(join(root, "filler"), Buffer.alloc(128 * 1024)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "ENOSPC") throw err;
  });
}

async function tempFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries.filter((e) => e.endsWith(".tmp"));
}

const resource = {
  kind: "iam-role",
  layer: "identity",
  node: "iam-role",
  id: "arn:aws:iam::123456789012:role/r",
  createdByUs: true,
  status: "ready",
  attributes: { name: "r" },
} as const;

describe.skipIf(!mountable)("a full disk (item 10)", () => {
  test("an atomic write on a full disk fails as 'disk full at <path>', leaves no temp file and keeps the old file", async () => {
    const root = await fullDisk();
    const target = join(root, "data.json");
    await writeFileAtomic(target, "old");
    await fill(root);
    const error = await bridgeFailure(writeFileAtomic(target, "x".repeat(32 * 1024)));
    expect(error.code).toBe("DISK_FULL");
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain(`disk full at ${target}`);
    expect(await tempFiles(root)).toEqual([]);
    expect(await readFile(target, "utf8")).toBe("old");
  });

  test("a state change on a full disk fails as disk full, the state file keeps its last version, no temp file stays", async () => {
    const root = await fullDisk();
    const stateDir = join(root, "state");
    const store = await StateStore.open({ dir: stateDir, target: "cloud", command: "t", warn: () => undefined });
    await store.put(resource);
    const before = await readFile(join(stateDir, "state.json"), "utf8");
    await fill(root);
    const error = await bridgeFailure(
      store.put({ ...resource, id: "x".repeat(200), attributes: { name: "y".repeat(40_000) } }),
    );
    await store.close();
    expect(error.code).toBe("DISK_FULL");
    expect(error.message).toMatch(/disk full at .*state\.json/);
    expect(await tempFiles(root)).toEqual([]);
    expect(await readFile(join(stateDir, "state.json"), "utf8")).toBe(before);
  });

  test("a lock that cannot be written on a full disk is removed again, and the error says disk full", async () => {
    const root = await fullDisk();
    const stateDir = join(root, "state");
    await mkdir(stateDir, { mode: 0o700 });
    await fill(root);
    const error = await bridgeFailure(
      StateStore.open({ dir: stateDir, target: "cloud", command: "t", warn: () => undefined }),
    );
    expect(error.code).toBe("DISK_FULL");
    expect(error.exitCode).toBe(1);
    expect(await readdir(stateDir)).toEqual([]);
  });
});

describe.skipIf(!mountable)("a state folder that cannot be written (item 4)", () => {
  test("a --state-dir on a read-only file system is exit 2 naming the path, for a new and an existing folder", async () => {
    fs = await mountTmpfs({ sizeKb: 16, readOnly: true });
    const root = fs?.path as string;
    const open = (dir: string) => StateStore.open({ dir, target: "cloud", command: "t", warn: () => undefined });
    const fresh = await bridgeFailure(open(join(root, "state")));
    expect(fresh.code).toBe("STATE_DIR_NOT_WRITABLE");
    expect(fresh.exitCode).toBe(2);
    expect(fresh.message).toContain(join(root, "state"));
    expect(fresh.message).toContain("read-only");
    const existing = await bridgeFailure(open(root));
    expect(existing.code).toBe("STATE_DIR_NOT_WRITABLE");
    expect(existing.message).toContain(root);
  });
});

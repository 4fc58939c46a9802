import { afterEach, describe, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { canMountTmpfs, mountTmpfs, type Tmpfs } from "../helpers/tmpfs.js";

// A full disk, for real: the state folder on a 64 KiB tmpfs of the test's own, filled up.
const bin = fileURLToPath(new URL("../../bin/oidc-bridge.cjs", import.meta.url));
const mountable = await canMountTmpfs();
let fs: Tmpfs | undefined;
afterEach(async () => {
  await fs?.cleanup();
  fs = undefined;
});

describe.skipIf(!mountable)("the built CLI on a full disk (item 10)", () => {
  test("a layer command on a full disk exits 1 with 'disk full at <path>', no stack trace, no temp file or lock left", async () => {
    fs = await mountTmpfs({ sizeKb: 64 });
    const root = fs?.path as string;
    const work = join(root, "work");
    await mkdir(work, { mode: 0o700 });
    await writeFile(join(root, "filler"), Buffer.alloc(128 * 1024)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOSPC") throw err;
    });
    const result = spawnSync(process.execPath, [bin, "--sandbox", "--state-dir", join(root, "state"), "trust"], {
      cwd: work,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`disk full at ${join(root, "state")}`));
    expect(result.stderr).toContain("fix: free space");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    const left = await readdir(root, { recursive: true });
    expect(left.filter((e) => e.endsWith(".tmp") || e.endsWith("lock"))).toEqual([]);
  });
});

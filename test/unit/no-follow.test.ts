import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { execFileSync } from "node:child_process";
import { lstat, mkdir, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/util/atomic-file.js";
import { acquireLock } from "../../src/state/lock.js";
import { readState } from "../../src/state/store.js";
import { bridgeFailure } from "../helpers/rejection.js";
import { tempDir } from "../helpers/temp-dir.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => (dir = await tempDir()));
afterEach(async () => dir.cleanup());

const me = { pid: process.pid, startedAt: "2026-01-01T00:00:00.000Z", command: "test" };

describe("files we write are never opened through a link (item 2)", () => {
  test("an atomic write refuses a link at its target and writes nothing through it", async () => {
    const victim = join(dir.path, "victim");
    await writeFile(victim, "precious");
    await symlink(victim, join(dir.path, "target"));
    const error = await bridgeFailure(writeFileAtomic(join(dir.path, "target"), "new"));
    expect(error.code).toBe("UNSAFE_FILE");
    expect(error.message).toContain("is a symbolic link");
    expect(await readFile(victim, "utf8")).toBe("precious");
    expect((await readdir(dir.path)).filter((e) => e.endsWith(".tmp"))).toEqual([]);
  });

  test("an atomic write refuses a FIFO at its target without waiting on it", async () => {
    execFileSync("mkfifo", [join(dir.path, "fifo")]);
    const error = await bridgeFailure(writeFileAtomic(join(dir.path, "fifo"), "new"));
    expect(error.message).toContain("is a named pipe (FIFO)");
  });

  test("the lock, even taken without the state folder's preflight, is never created through a dangling link", async () => {
    const target = join(dir.path, "elsewhere");
    await symlink(target, join(dir.path, "lock"));
    const error = await bridgeFailure(acquireLock(dir.path, me, () => undefined));
    expect(error.code).toBe("STATE_FILE_NOT_REGULAR");
    expect(error.message).toContain(join(dir.path, "lock"));
    await expect(lstat(target)).rejects.toThrow(/ENOENT/);
  });
});

describe("JSON we read from the state folder is parsed strictly (item 3)", () => {
  const valid = {
    version: 1,
    deploymentId: "ob-0123456789",
    target: "cloud",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    resources: [],
    layers: {},
  };

  async function stateWith(text: string): Promise<string> {
    const stateDir = join(dir.path, "state");
    await mkdir(stateDir, { mode: 0o700 });
    await writeFile(join(stateDir, "state.json"), text, { mode: 0o600 });
    return stateDir;
  }

  test("a state file with a key given twice is refused as corrupt, naming the key", async () => {
    const text = JSON.stringify(valid).replace('"target":"cloud"', '"target":"sandbox","target":"cloud"');
    const error = await bridgeFailure(readState(await stateWith(text)));
    expect(error.code).toBe("STATE_CORRUPT");
    expect(error.message).toContain('"target" is given twice');
  });

  test("a state file with __proto__ anywhere is refused as corrupt", async () => {
    const text = JSON.stringify({ ...valid, resources: [] }).replace(
      '"layers":{}',
      '"layers":{"__proto__":{"trust":{"completedAt":"x","summary":"y"}}}',
    );
    const error = await bridgeFailure(readState(await stateWith(text)));
    expect(error.code).toBe("STATE_CORRUPT");
    expect(error.message).toContain('"__proto__" at layers');
  });

  test("the valid file reads", async () => {
    expect((await readState(await stateWith(JSON.stringify(valid))))?.deploymentId).toBe("ob-0123456789");
  });

  test("a lock file with a key given twice counts as unreadable: taken over with a warning, not trusted", async () => {
    await writeFile(join(dir.path, "lock"), '{"pid":1,"pid":999999999,"startedAt":"x","command":"y"}');
    const warnings: string[] = [];
    const lock = await acquireLock(dir.path, me, (m) => warnings.push(m));
    await lock.release();
    expect(warnings.join("\n")).toContain("taking over an unreadable lock file");
  });
});

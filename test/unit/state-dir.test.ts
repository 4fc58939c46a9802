import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { chmod, lstat, mkdir, readFile, readdir, stat, symlink, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { StateStore, readState } from "../../src/state/store.js";
import { prepareStateDir } from "../../src/state/state-dir.js";
import { isAlive } from "../../src/state/lock.js";
import { bridgeFailure } from "../helpers/rejection.js";
import { tempDir } from "../helpers/temp-dir.js";

let dir: { path: string; cleanup: () => Promise<void> };
let stateDir: string;
const warnings: string[] = [];
const warn = (m: string): number => warnings.push(m);
const open = (at = stateDir) => StateStore.open({ dir: at, target: "cloud", command: "test", warn });
const resource = {
  kind: "iam-role",
  layer: "identity",
  node: "iam-role",
  id: "arn:aws:iam::123456789012:role/r",
  createdByUs: true,
  status: "ready",
  attributes: { name: "r" },
} as const;
const modeOf = async (path: string) => (await lstat(path)).mode & 0o7777;

beforeEach(async () => {
  dir = await tempDir();
  stateDir = join(dir.path, "state");
  warnings.length = 0;
});
afterEach(async () => dir.cleanup());

describe("existing folders are never chmod-ed (item 1)", () => {
  test("a shared 1777 folder given as --state-dir is refused with the fix and keeps its mode", async () => {
    const shared = join(dir.path, "shared");
    await mkdir(shared);
    await chmod(shared, 0o1777);
    const error = await bridgeFailure(open(shared));
    expect(error.code).toBe("STATE_DIR_TOO_OPEN");
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(shared);
    expect(error.message).toContain("01777");
    expect(error.hint).toContain("chmod 700");
    expect(await modeOf(shared)).toBe(0o1777);
    expect(await readdir(shared)).toEqual([]);
  });

  test("a 0755 working folder given as --state-dir . is refused and stays 0755", async () => {
    const work = join(dir.path, "work");
    await mkdir(work);
    await chmod(work, 0o755);
    await writeFile(join(work, "notes.txt"), "mine");
    const error = await bridgeFailure(open(work));
    expect(error.code).toBe("STATE_DIR_TOO_OPEN");
    expect(await modeOf(work)).toBe(0o755);
    expect(await readdir(work)).toEqual(["notes.txt"]);
  });

  test("a state folder made earlier that others may now read is reported with the fix, not changed", async () => {
    const first = await open();
    await first.put(resource);
    await first.close();
    await chmod(stateDir, 0o750);
    const again = await open();
    await again.close();
    expect(await modeOf(stateDir)).toBe(0o750);
    expect(warnings.join("\n")).toContain(`chmod 700 '${stateDir}'`);
  });

  test("a state folder made earlier that others may write is refused: they could swap our files", async () => {
    const first = await open();
    await first.put(resource);
    await first.close();
    await chmod(stateDir, 0o770);
    const error = await bridgeFailure(open());
    expect(error.code).toBe("STATE_DIR_TOO_OPEN");
    expect(await modeOf(stateDir)).toBe(0o770);
  });

  test("a new state folder and its missing parents are created 0700, whatever the umask", async () => {
    const deep = join(dir.path, "a", "b", "state");
    const old = process.umask(0o077 | 0o200);
    try {
      const store = await open(deep);
      await store.close();
    } finally {
      process.umask(old);
    }
    for (const path of [join(dir.path, "a"), join(dir.path, "a", "b"), deep]) expect(await modeOf(path)).toBe(0o700);
  });
});

describe("user mistakes in --state-dir are exit 2 naming the path (item 4)", () => {
  test("a --state-dir that is a file is refused naming it, and the file is left alone", async () => {
    await writeFile(stateDir, "not a folder");
    const error = await bridgeFailure(open());
    expect(error.code).toBe("STATE_DIR_NOT_FOLDER");
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`${stateDir} is a file, not a folder`);
    expect(await readFile(stateDir, "utf8")).toBe("not a folder");
  });

  test("a --state-dir below a file is refused naming the file, and nothing is created", async () => {
    await writeFile(join(dir.path, "file"), "x");
    const error = await bridgeFailure(open(join(dir.path, "file", "sub", "state")));
    expect(error.code).toBe("STATE_DIR_NOT_FOLDER");
    expect(error.message).toContain(`${join(dir.path, "file")} (part of`);
  });

  test("/dev/null as --state-dir is refused as a character device", async () => {
    const error = await bridgeFailure(open("/dev/null"));
    expect(error.code).toBe("STATE_DIR_NOT_FOLDER");
    expect(error.message).toContain("/dev/null is a character device");
  });

  test("an absurdly long --state-dir is refused before touching the disk", async () => {
    const long = join(dir.path, "x".repeat(5000));
    const error = await bridgeFailure(open(long));
    expect(error.code).toBe("STATE_DIR_PATH_TOO_LONG");
    expect(error.exitCode).toBe(2);
    const longName = join(dir.path, "y".repeat(300), "state");
    expect((await bridgeFailure(open(longName))).code).toBe("STATE_DIR_PATH_TOO_LONG");
    expect(await readdir(dir.path)).toEqual([]);
  });

  test("a state.json that is a folder is refused naming it", async () => {
    await mkdir(join(stateDir, "state.json"), { recursive: true, mode: 0o700 });
    await chmod(stateDir, 0o700);
    const error = await bridgeFailure(open());
    expect(error.code).toBe("STATE_FILE_NOT_REGULAR");
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`${join(stateDir, "state.json")} is a folder`);
    expect((await bridgeFailure(readState(stateDir))).code).toBe("STATE_FILE_NOT_REGULAR");
  });
});

describe("nothing hangs (item 5)", () => {
  test("a state.json replaced by a FIFO is refused at once, by status and by a command", async () => {
    await mkdir(stateDir, { mode: 0o700 });
    execFileSync("mkfifo", [join(stateDir, "state.json")]);
    const read = await bridgeFailure(readState(stateDir));
    expect(read.code).toBe("STATE_FILE_NOT_REGULAR");
    expect(read.message).toContain("named pipe (FIFO)");
    const opened = await bridgeFailure(open());
    expect(opened.code).toBe("STATE_FILE_NOT_REGULAR");
  });

  test.skipIf(process.platform !== "linux")(
    "a --state-dir under /proc is refused at once instead of retrying mkdir forever",
    async () => {
      const error = await bridgeFailure(open("/proc/oidc-bridge-test/state"));
      expect(error.code).toBe("STATE_DIR_CANNOT_CREATE");
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain("/proc/oidc-bridge-test");
    },
  );
});

describe("files we write are checked before the first cloud call (items 2 and 15)", () => {
  for (const name of ["state.json", "state.json.bak", "lock"]) {
    test(`a symbolic link at ${name} is refused when the store opens, and its target is untouched`, async () => {
      await mkdir(stateDir, { mode: 0o700 });
      const victim = join(dir.path, "victim");
      await writeFile(victim, "precious");
      await symlink(victim, join(stateDir, name));
      const error = await bridgeFailure(open());
      expect(error.code).toBe("STATE_SYMLINK");
      expect(error.message).toContain(join(stateDir, name));
      expect(await readFile(victim, "utf8")).toBe("precious");
      expect(await modeOf(victim)).toBe((await stat(victim)).mode & 0o7777);
      expect((await lstat(join(stateDir, name))).isSymbolicLink()).toBe(true);
    });
  }

  test("a dangling link at state.json.bak is refused too: nothing is created at its target", async () => {
    await mkdir(stateDir, { mode: 0o700 });
    const target = join(dir.path, "would-be-created");
    await symlink(target, join(stateDir, "state.json.bak"));
    expect((await bridgeFailure(open())).code).toBe("STATE_SYMLINK");
    await expect(lstat(target)).rejects.toThrow(/ENOENT/);
  });

  test("a key file the run will write is checked like the state file", async () => {
    await mkdir(stateDir, { mode: 0o700 });
    await mkdir(join(stateDir, "id_ed25519"));
    const error = await bridgeFailure(prepareStateDir(stateDir, { warn, files: ["id_ed25519"] }));
    expect(error.code).toBe("STATE_FILE_NOT_REGULAR");
    expect(error.message).toContain("id_ed25519");
  });
});

describe("modes of files we own (item 12)", () => {
  test("a state.json set to 0644 by hand is set back to 0600, with a warning naming it", async () => {
    const first = await open();
    await first.put(resource);
    await first.put({ ...resource, id: "second" });
    await first.close();
    const path = join(stateDir, "state.json");
    await chmod(path, 0o644);
    await chmod(`${path}.bak`, 0o640);
    const again = await open();
    await again.close();
    expect(await modeOf(path)).toBe(0o600);
    expect(await modeOf(`${path}.bak`)).toBe(0o600);
    expect(warnings.join("\n")).toContain(`${path} was readable by other users (mode 0644); set it back to 0600`);
  });
});

describe("stale locks and temp files", () => {
  let holder: ChildProcess | undefined;
  afterEach(() => void holder?.kill("SIGKILL"));

  test.skipIf(process.platform !== "linux")(
    "a lock held by a killed, not yet reaped process (a zombie) is taken over at once (item 9)",
    async () => {
      // sh starts a child and becomes `sleep`, which never reaps it; the child exits when told to,
      // after that exec, and stays a zombie.
      holder = spawn("sh", ["-c", "exec 3<&0; (read x <&3) & echo $!; exec sleep 30 3<&-"], {
        stdio: ["pipe", "pipe", "ignore"],
      });
      const zombie = await new Promise<number>((resolve) =>
        holder?.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
      );
      const waitFor = async (path: string, pattern: RegExp): Promise<void> => {
        for (let i = 0; i < 1000; i++) {
          if (pattern.test(await readFile(path, "utf8").catch(() => ""))) return;
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      await waitFor(`/proc/${holder.pid}/comm`, /^sleep/);
      holder.stdin?.end("go\n");
      await waitFor(`/proc/${zombie}/stat`, /\) Z /);
      expect(await readFile(`/proc/${zombie}/stat`, "utf8")).toMatch(/\) Z /);
      // kill(pid, 0) still succeeds for a zombie: this is the case a plain liveness check gets wrong.
      expect(() => process.kill(zombie, 0)).not.toThrow();
      expect(await isAlive(zombie)).toBe(false);
      await mkdir(stateDir, { mode: 0o700 });
      await writeFile(
        join(stateDir, "lock"),
        JSON.stringify({ pid: zombie, startedAt: "2026-01-01T00:00:00.000Z", command: "oidc-bridge up" }),
      );
      const store = await open();
      await store.close();
      expect(warnings.join("\n")).toMatch(new RegExp(`stale lock .*pid ${zombie}`));
    },
  );

  test("a running process still holds its lock", async () => {
    expect(await isAlive(process.pid)).toBe(true);
  });

  test("temp files left by dead runs are removed when the store opens; a live run's are kept", async () => {
    const child = spawn(process.execPath, ["-e", "0"]);
    const dead = await new Promise<number>((resolve) => child.on("exit", () => resolve(child.pid as number)));
    await mkdir(stateDir, { mode: 0o700 });
    const stale = `.state.json.${dead}.lq2x3.0.tmp`;
    const live = `.state.json.${process.pid}.lq2x3.0.tmp`;
    await writeFile(join(stateDir, stale), "half");
    await writeFile(join(stateDir, live), "in flight");
    const store = await open();
    await store.close();
    const left = await readdir(stateDir);
    expect(left).not.toContain(stale);
    expect(left).toContain(live);
  });
});

import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { chmod, mkdir, readFile, readdir, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ensureDir, openForAppend, readTextIfExists, writeFileAtomic } from "../../src/sandbox/harness/safe-file.js";
import { tempDir } from "../helpers/temp-dir.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => (dir = await tempDir("sandbox-safe-file-")));
afterEach(async () => dir.cleanup());

async function precious(): Promise<string> {
  const target = join(dir.path, "precious.txt");
  await writeFile(target, "precious\n");
  await chmod(target, 0o644);
  return target;
}

async function expectUntouched(target: string): Promise<void> {
  expect(await readFile(target, "utf8")).toBe("precious\n");
  expect((await stat(target)).mode & 0o777).toBe(0o644);
}

describe("the sandbox's file writes", () => {
  test("an atomic write creates a 0600 file and replaces an existing one whole", async () => {
    const path = join(dir.path, "doc.json");
    await writeFileAtomic(path, "one");
    await writeFileAtomic(path, "two");
    expect(await readFile(path, "utf8")).toBe("two");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir.path)).toEqual(["doc.json"]);
  });

  test("an atomic write refuses a symbolic link at the path and leaves its target alone", async () => {
    const target = await precious();
    const path = join(dir.path, "state.json");
    await symlink(target, path);
    await expect(writeFileAtomic(path, "overwritten")).rejects.toMatchObject({
      code: "SANDBOX_UNSAFE_PATH",
      message: `refusing to use ${path}: it is a symbolic link, and the sandbox never follows links in its folder`,
    });
    await expectUntouched(target);
  });

  test("a failed atomic write names the path and leaves no temp file behind", async () => {
    const path = join(dir.path, "ports.json");
    // A non-empty folder where the file should be: the temp file is written, the rename fails.
    await mkdir(join(path, "inside"), { recursive: true });
    await expect(writeFileAtomic(path, "{}")).rejects.toMatchObject({
      code: "SANDBOX_WRITE_FAILED",
      message: expect.stringContaining(`cannot write ${path}`) as unknown,
    });
    expect((await readdir(dir.path)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  test("appending refuses a symbolic link and a folder, and leaves the link's target alone", async () => {
    const target = await precious();
    const link = join(dir.path, "journal.jsonl");
    await symlink(target, link);
    await expect(openForAppend(link)).rejects.toMatchObject({ code: "SANDBOX_UNSAFE_PATH" });
    await expectUntouched(target);
    await mkdir(join(dir.path, "folder"));
    await expect(openForAppend(join(dir.path, "folder"))).rejects.toThrow(/folder/);
  });

  test("appending narrows a wider file to 0600 through its handle", async () => {
    const path = join(dir.path, "journal.jsonl");
    await writeFile(path, "old\n");
    await chmod(path, 0o644);
    const handle = await openForAppend(path);
    await handle.write("new\n");
    await handle.close();
    expect(await readFile(path, "utf8")).toBe("old\nnew\n");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  test("reading gives undefined for a missing file and refuses a symbolic link", async () => {
    expect(await readTextIfExists(join(dir.path, "missing.json"))).toBeUndefined();
    const link = join(dir.path, "aws.json");
    await symlink(await precious(), link);
    await expect(readTextIfExists(link)).rejects.toMatchObject({ code: "SANDBOX_UNSAFE_PATH" });
  });

  test("folders are created 0700, an existing one keeps its mode, and a linked one is refused", async () => {
    const shared = join(dir.path, "shared");
    await mkdir(shared);
    await chmod(shared, 0o755);
    await ensureDir(join(shared, "a", "b"));
    expect((await stat(shared)).mode & 0o777).toBe(0o755);
    expect((await stat(join(shared, "a"))).mode & 0o777).toBe(0o700);
    expect((await stat(join(shared, "a", "b"))).mode & 0o777).toBe(0o700);
    await symlink(shared, join(dir.path, "linked"));
    await expect(ensureDir(join(dir.path, "linked"))).rejects.toMatchObject({ code: "SANDBOX_UNSAFE_PATH" });
  });
});

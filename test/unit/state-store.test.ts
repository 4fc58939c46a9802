import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { lstat, readFile, stat, symlink, truncate, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { StateStore, readState } from "../../src/state/store.js";
import { bridgeFailure as rejection } from "../helpers/rejection.js";
import { tempDir } from "../helpers/temp-dir.js";

let dir: { path: string; cleanup: () => Promise<void> };
let stateDir: string;
const warnings: string[] = [];
const open = (command = "test") =>
  StateStore.open({ dir: stateDir, target: "cloud", command, warn: (m) => warnings.push(m) });
const resource = {
  kind: "iam-role",
  layer: "identity",
  node: "iam-role",
  id: "arn:aws:iam::123456789012:role/r",
  createdByUs: true,
  status: "ready",
  attributes: { name: "r" },
} as const;

beforeEach(async () => {
  dir = await tempDir();
  stateDir = join(dir.path, "state");
  warnings.length = 0;
});
afterEach(async () => dir.cleanup());

describe("state store", () => {
  test("writes the state file 0600 in a 0700 folder and keeps the previous version as .bak", async () => {
    const store = await open();
    await store.put(resource);
    await store.put({ ...resource, id: "second" });
    await store.close();
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(stateDir, "state.json"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(stateDir, "state.json.bak"))).mode & 0o777).toBe(0o600);
    const bak = JSON.parse(await readFile(join(stateDir, "state.json.bak"), "utf8")) as { resources: unknown[] };
    expect(bak.resources).toHaveLength(1);
    expect((await readState(stateDir))?.resources).toHaveLength(2);
  });

  test("a second concurrent command fails at once naming the holder, and the file stays valid", async () => {
    const first = await open("oidc-bridge identity");
    await first.put(resource);
    const error = await rejection(open("oidc-bridge trust"));
    expect(error.code).toBe("STATE_LOCKED");
    expect(error.message).toContain(`pid ${process.pid}`);
    expect(error.message).toContain("oidc-bridge identity");
    expect(error.message).toMatch(/started at \d{4}-\d\d-\d\dT/);
    await first.put({ ...resource, id: "after" });
    await first.close();
    expect((await readState(stateDir))?.resources.map((r) => r.id)).toEqual([resource.id, "after"]);
  });

  test("a lock left by a dead process is taken over with a warning", async () => {
    const child = spawn(process.execPath, ["-e", "0"]);
    const deadPid = await new Promise<number>((resolve) => child.on("exit", () => resolve(child.pid as number)));
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await writeFile(
      join(stateDir, "lock"),
      JSON.stringify({ pid: deadPid, startedAt: "2026-01-01T00:00:00.000Z", command: "oidc-bridge up" }),
    );
    const store = await open();
    await store.close();
    expect(warnings.join("\n")).toMatch(new RegExp(`stale lock .*pid ${deadPid}`));
  });

  test("a state file cut in half gives a clear error and is left untouched", async () => {
    const store = await open();
    await store.put(resource);
    await store.close();
    const path = join(stateDir, "state.json");
    const size = (await stat(path)).size;
    await truncate(path, Math.floor(size / 2));
    const before = await readFile(path);
    const error = await rejection(open());
    expect(error.code).toBe("STATE_CORRUPT");
    expect(error.message).toContain("not valid JSON");
    expect(error.hint).toContain("state.json.bak");
    expect(await readFile(path)).toEqual(before);
    // The failed open released its lock.
    await expect(stat(join(stateDir, "lock"))).rejects.toThrow();
  });

  test("a state file from a newer oidc-bridge is refused, not overwritten", async () => {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const newer = JSON.stringify({ version: 99, anything: true });
    await writeFile(join(stateDir, "state.json"), newer);
    const error = await rejection(open());
    expect(error.code).toBe("STATE_NEWER");
    expect(await readFile(join(stateDir, "state.json"), "utf8")).toBe(newer);
  });

  test("never reads or writes through a symbolic link", async () => {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const target = join(dir.path, "elsewhere.json");
    await writeFile(target, "{}");
    await symlink(target, join(stateDir, "state.json"));
    const error = await rejection(open());
    expect(error.code).toBe("STATE_SYMLINK");
    expect(await readFile(target, "utf8")).toBe("{}");
    expect((await lstat(join(stateDir, "state.json"))).isSymbolicLink()).toBe(true);
  });

  test("a sandbox state file cannot drive the real clouds", async () => {
    const sandbox = await StateStore.open({ dir: stateDir, target: "sandbox", command: "t", warn: () => undefined });
    await sandbox.put(resource);
    await sandbox.close();
    const error = await rejection(open());
    expect(error.code).toBe("STATE_TARGET_MISMATCH");
  });

  test("many records written at once from concurrent nodes are all kept, in memory and on disk", async () => {
    const store = await open();
    const ids = Array.from({ length: 40 }, (_, i) => `arn:aws:iam::123456789012:role/r${i}`);
    await Promise.all(ids.map((id) => store.put({ ...resource, id, attributes: { name: id } })));
    expect(
      store
        .records("iam-role")
        .map((r) => r.id)
        .sort(),
    ).toEqual([...ids].sort());
    await store.close();
    expect((await readState(stateDir))?.resources.map((r) => r.id).sort()).toEqual([...ids].sort());
  });

  test("an intent is written before the cloud call and replaced by the confirmed record after it", async () => {
    const store = await open();
    await store.intend({
      kind: "iam-role",
      layer: "identity",
      node: "iam-role",
      id: resource.id,
      attributes: { name: "r" },
    });
    expect((await readState(stateDir))?.resources).toMatchObject([
      { id: resource.id, status: "intended", createdByUs: true },
    ]);
    await store.put(resource);
    await store.close();
    expect((await readState(stateDir))?.resources).toMatchObject([{ id: resource.id, status: "ready" }]);
  });

  test("a version 1 state file is read as version 2 with typed records, nothing lost", async () => {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const v1 = {
      version: 1,
      deploymentId: "ob-0123456789",
      target: "cloud",
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
      resources: [
        {
          kind: "azure-user-assigned-identity",
          layer: "identity",
          id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id",
          createdByUs: true,
          recordedAt: "2026-01-01T00:00:00.000Z",
          attributes: { name: "id", principalId: "p", clientId: "c", tenantId: "t" },
        },
      ],
      layers: {},
    };
    await writeFile(join(stateDir, "state.json"), JSON.stringify(v1));
    const state = await readState(stateDir);
    expect(state?.version).toBe(2);
    expect(state?.resources[0]).toMatchObject({
      node: "managed-identity",
      status: "ready",
      attributes: { name: "id", resourceGroup: "rg", principalId: "p", clientId: "c", tenantId: "t" },
    });
  });
});

describe("state folder", () => {
  test("a state folder that is a symbolic link is refused as a user error, naming the fix", async () => {
    const real = join(dir.path, "real");
    await mkdir(real, { mode: 0o700 });
    await symlink(real, stateDir);
    const error = await rejection(open());
    expect(error.code).toBe("UNSAFE_DIRECTORY");
    expect(error.hint).toContain("--state-dir");
  });
});

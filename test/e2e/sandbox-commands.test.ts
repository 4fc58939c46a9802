import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readJournal } from "../../src/sandbox/harness/index.js";
import { readState } from "../../src/state/store.js";
import { tempDir } from "../helpers/temp-dir.js";

const bin = fileURLToPath(new URL("../../bin/oidc-bridge.cjs", import.meta.url));
const recorder = fileURLToPath(new URL("../fixtures/module-recorder.mjs", import.meta.url));

let dir: Awaited<ReturnType<typeof tempDir>>;
let running: ChildProcessWithoutNullStreams | undefined;
beforeEach(async () => (dir = await tempDir()));
afterEach(async () => {
  if (running && running.exitCode === null) {
    running.kill("SIGKILL");
    await new Promise((resolve) => running?.once("exit", resolve));
  }
  running = undefined;
  await dir.cleanup();
});

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return cliWith({}, ...args);
}

function cliWith(
  env: Record<string, string>,
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
  // With RECORD_LOADS_TO set, every module the CLI loads is listed in that file.
  const preload = env.RECORD_LOADS_TO ? ["--import", recorder] : [];
  const result = spawnSync(process.execPath, [...preload, bin, ...args], {
    cwd: dir.path,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `sandbox start --json` and resolves with its result event once it is serving. */
async function startForeground(env: Record<string, string> = {}): Promise<{
  endpoints: Record<string, string>;
  envFile: string;
  stdout: () => string;
}> {
  const preload = env.RECORD_LOADS_TO ? ["--import", recorder] : [];
  running = spawn(process.execPath, [...preload, bin, "--json", "sandbox", "start"], {
    cwd: dir.path,
    env: { ...process.env, ...env },
  });
  let out = "";
  return new Promise((resolve, reject) => {
    running?.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const result = out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { type: string; data?: { endpoints: Record<string, string>; envFile: string } })
        .find((e) => e.type === "result");
      if (result?.data) resolve({ ...result.data, stdout: () => out });
    });
    running?.once("exit", (code) => reject(new Error(`sandbox start exited ${code}: ${out}`)));
  });
}

describe("sandbox commands", () => {
  test("sandbox start serves other commands, keeps credentials in a 0600 file, and stops cleanly on SIGINT", async () => {
    const started = await startForeground();
    expect(Object.keys(started.endpoints).sort()).toEqual([
      "arm",
      "checkip",
      "entra",
      "entra-sts",
      "iam",
      "s3",
      "ssm",
      "sts",
    ]);
    for (const url of Object.values(started.endpoints)) expect(url).toMatch(/^https?:\/\/127\.0\.0\.1:\d+$/);
    expect((await stat(started.envFile)).mode & 0o777).toBe(0o600);
    const envText = await readFile(started.envFile, "utf8");
    const secret = /AWS_SECRET_ACCESS_KEY='([^']+)'/.exec(envText)?.[1] as string;
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect(started.stdout()).not.toContain(secret);

    // Another command in the same state folder uses the running sandbox, not one of its own.
    const trust = cli("--sandbox", "trust");
    expect(trust.status, trust.stderr).toBe(0);
    const journal = await readJournal(join(dir.path, ".oidc-bridge/sandbox/journal.jsonl"));
    expect(journal.some((e) => e.operation === "CreateOpenIDConnectProvider")).toBe(true);
    const iamPort = new URL(started.endpoints.iam as string).port;
    expect(trust.stdout).toContain(`using the running sandbox (pid ${running?.pid})`);

    running?.kill("SIGINT");
    const code = await new Promise((resolve) => running?.once("exit", resolve));
    expect(code).toBe(0);
    // Its secrets and its address go with it.
    await expect(stat(join(dir.path, ".oidc-bridge/sandbox/running.json"))).rejects.toMatchObject({ code: "ENOENT" });
    await expect(stat(started.envFile)).rejects.toMatchObject({ code: "ENOENT" });
    // The next in-process sandbox reuses the same ports: the issuer URL must not move.
    const again = cli("--sandbox", "--json", "trust");
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("trust: unchanged");
    expect(
      JSON.parse(await readFile(join(dir.path, ".oidc-bridge/sandbox/ports.json"), "utf8")) as unknown,
    ).toMatchObject({ iam: Number(iamPort) });
  });

  test("sandbox start removes env.sh and running.json when stopped with SIGTERM", async () => {
    const started = await startForeground();
    const runningFile = join(dir.path, ".oidc-bridge/sandbox/running.json");
    expect((await stat(runningFile)).mode & 0o777).toBe(0o600);
    expect((await stat(started.envFile)).mode & 0o777).toBe(0o600);
    running?.kill("SIGTERM");
    expect(await new Promise((resolve) => running?.once("exit", resolve))).toBe(0);
    await expect(stat(runningFile)).rejects.toMatchObject({ code: "ENOENT" });
    await expect(stat(started.envFile)).rejects.toMatchObject({ code: "ENOENT" });
  });

  test("a command attached to a running sandbox loads no emulator code from the bundle", async () => {
    const serverLoads = join(dir.path, "server-loads.txt");
    const clientLoads = join(dir.path, "client-loads.txt");
    await startForeground({ RECORD_LOADS_TO: serverLoads });
    const trust = cliWith({ RECORD_LOADS_TO: clientLoads }, "--sandbox", "trust");
    expect(trust.status, trust.stderr).toBe(0);
    expect(trust.stdout).toContain("using the running sandbox");
    const client = await sourcesLoaded(clientLoads);
    // The front door's attach path was loaded (and so seen), the emulators were not.
    expect(client).toContain("src/sandbox/attach.ts");
    expect(client.filter((source) => /^src\/sandbox\/(aws|azure)\//.test(source))).toEqual([]);
    // The process that started the sandbox did load them, through the same recorder.
    expect(await sourcesLoaded(serverLoads)).toContain("src/sandbox/aws/service.ts");
  });

  test("a bad sandbox switch fails with exit 2 before any folder is made, naming the variable, value and range", () => {
    for (const args of [
      ["--sandbox", "trust"],
      ["sandbox", "start"],
    ]) {
      const run = cliWith({ OIDC_BRIDGE_SANDBOX_FAULT_RATE: "2" }, ...args);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toContain(
        'OIDC_BRIDGE_SANDBOX_FAULT_RATE="2" is not allowed: it must be a number from 0 to 1',
      );
      expect(run.stderr).not.toMatch(/other sandbox/);
      expect(spawnSync("ls", ["-A", dir.path], { encoding: "utf8" }).stdout).toBe("");
    }
  });

  test("a running.json left with a live pid that is not a sandbox is removed, with a warning, and the command runs", async () => {
    const sandboxDir = join(dir.path, ".oidc-bridge/sandbox");
    await mkdir(sandboxDir, { recursive: true, mode: 0o700 });
    await writeFile(
      join(sandboxDir, "running.json"),
      JSON.stringify({
        pid: process.pid,
        instanceId: "00000000-0000-4000-8000-000000000000",
        controlUrl: "http://127.0.0.1:9",
        endpoints: {},
        caPem: "",
        journalPath: join(sandboxDir, "journal.jsonl"),
      }),
      { mode: 0o600 },
    );
    const trust = cli("--sandbox", "trust");
    expect(trust.status, trust.stderr).toBe(0);
    expect(trust.stderr).toContain(
      `warning: removed a stale running.json from ${sandboxDir} (pid ${process.pid} is not a sandbox)`,
    );
    expect(trust.stdout).not.toContain("using the running sandbox");
    await expect(stat(join(sandboxDir, "running.json"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  test("sandbox reset empties the clouds and forgets the sandbox deployment", async () => {
    expect(cli("--sandbox", "trust").status).toBe(0);
    const reset = cli("sandbox", "reset");
    expect(reset.status, reset.stderr).toBe(0);
    expect(reset.stdout).toContain("sandbox emptied");
    expect(await readState(join(dir.path, ".oidc-bridge"))).toBeUndefined();
    const fresh = cli("--sandbox", "--json", "trust");
    expect(fresh.status).toBe(0);
    expect(fresh.stdout).toContain('"kind":"create"');
  });

  test("a proxy in the environment does not capture the sandbox's loopback traffic", () => {
    // Nothing listens on port 9: a request sent to the proxy would fail.
    const proxy = { HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9", NO_PROXY: "" };
    const trust = cliWith(proxy, "--sandbox", "trust");
    expect(trust.status, trust.stderr).toBe(0);
    const identity = cliWith(proxy, "--sandbox", "identity");
    expect(identity.status, identity.stderr).toBe(0);
  });
});

/** The source files (from the bundle's source maps) of every dist module a recorded run loaded. */
async function sourcesLoaded(record: string): Promise<string[]> {
  const dist = new URL("../../dist/", import.meta.url).href;
  const urls = (await readFile(record, "utf8")).split("\n").filter((u) => u.startsWith(dist));
  const sources = new Set<string>();
  for (const url of urls) {
    // The bundler's own runtime helper chunk comes from no source file and has no map.
    if (/\/rolldown-runtime-[^/]+$/.test(url)) continue;
    const map = JSON.parse(await readFile(`${fileURLToPath(url)}.map`, "utf8")) as { sources: string[] };
    for (const source of map.sources) sources.add(source.replace(/^(\.\.\/)+/, ""));
  }
  return [...sources];
}

import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { execFile, spawn } from "node:child_process";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  attachSandbox,
  isSandboxError,
  launchSandbox,
  openSandbox,
  resetSandbox,
  type SandboxHandle,
} from "../../src/sandbox/index.js";
import { tempDir } from "../helpers/temp-dir.js";

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));

let dir: Awaited<ReturnType<typeof tempDir>>;
let stateDir: string;
let sandboxDir: string;
const handles: SandboxHandle[] = [];
const servers: Array<Server | TcpServer> = [];
beforeEach(async () => {
  dir = await tempDir();
  stateDir = join(dir.path, "state");
  sandboxDir = join(stateDir, "sandbox");
});
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  await dir.cleanup();
});

async function launch(publish: boolean): Promise<SandboxHandle> {
  const handle = await launchSandbox(stateDir, {}, { publish });
  handles.push(handle);
  return handle;
}

async function listening<T extends Server | TcpServer>(server: T): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

/** A running.json as `sandbox start` writes it, with the fields a test wants to get wrong. */
async function writeRunning(fields: { pid: number; instanceId?: string; controlUrl: string }): Promise<string> {
  await mkdir(sandboxDir, { recursive: true, mode: 0o700 });
  const path = join(sandboxDir, "running.json");
  await writeFile(
    path,
    JSON.stringify({
      instanceId: "00000000-0000-4000-8000-000000000000",
      endpoints: { iam: "http://127.0.0.1:9" },
      caPem: "not a certificate",
      journalPath: join(sandboxDir, "journal.jsonl"),
      ...fields,
    }),
    { mode: 0o600 },
  );
  return path;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Runs the probe under the module recorder; resolves with its output and every module URL it loaded. */
async function probe(mode: "attach" | "launch", state: string): Promise<{ out: unknown; loaded: string[] }> {
  const record = join(dir.path, `loads-${mode}.txt`);
  const { stdout } = await run(
    process.execPath,
    [
      "--experimental-transform-types",
      "--no-warnings",
      "--import",
      join(fixtures, "module-recorder.mjs"),
      join(fixtures, "front-door-probe.mjs"),
      mode,
      state,
    ],
    { env: { ...process.env, RECORD_LOADS_TO: record } },
  );
  const loaded = (await readFile(record, "utf8")).split("\n").filter((l) => l.length > 0);
  return { out: JSON.parse(stdout) as unknown, loaded };
}

const emulatorModule = /\/src\/sandbox\/(aws|azure)\//;

describe("the sandbox front door", () => {
  test("attaching to a running sandbox loads no emulator module; starting one does", async () => {
    const running = await launch(true);
    const attach = await probe("attach", stateDir);
    expect(attach.out).toEqual({ attached: true, instanceId: running.instanceId });
    // The recorder saw the front door and the attach path, so an emulator module would show too.
    expect(attach.loaded.some((url) => url.endsWith("/src/sandbox/index.ts"))).toBe(true);
    expect(attach.loaded.some((url) => url.endsWith("/src/sandbox/attach.ts"))).toBe(true);
    expect(attach.loaded.filter((url) => emulatorModule.test(url))).toEqual([]);

    const launched = await probe("launch", join(dir.path, "other-state"));
    expect(launched.out).toMatchObject({ launched: true });
    expect(launched.loaded.filter((url) => emulatorModule.test(url)).length).toBeGreaterThan(10);
  });

  test("a published sandbox writes running.json and a 0600 env.sh, and removes both when it closes", async () => {
    const running = await launch(true);
    const runningFile = join(sandboxDir, "running.json");
    const envFile = join(sandboxDir, "env.sh");
    expect(running.envFile).toBe(envFile);
    expect((await stat(envFile)).mode & 0o777).toBe(0o600);
    expect((await stat(runningFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(envFile, "utf8")).toContain(`AWS_SECRET_ACCESS_KEY='${running.aws.secretAccessKey}'`);

    const attached = await attachSandbox(stateDir);
    expect(attached).toMatchObject({ owned: false, pid: process.pid, instanceId: running.instanceId });
    expect(attached?.endpoints).toEqual(running.endpoints);
    expect(attached?.aws).toEqual(running.aws);
    expect(attached?.azure).toEqual(running.azure);
    // openSandbox prefers the running one to starting a second.
    const opened = await openSandbox(stateDir, {});
    expect(opened.owned).toBe(false);

    await running.close();
    expect(await exists(runningFile)).toBe(false);
    expect(await exists(envFile)).toBe(false);
    expect(await attachSandbox(stateDir)).toBeUndefined();
  });

  test("a second launch from the same folder is refused while the first runs, naming its pid", async () => {
    await launch(true);
    const error = await launchSandbox(stateDir, {}).catch((err: unknown) => err);
    expect(isSandboxError(error)).toBe(true);
    expect(error).toMatchObject({ code: "SANDBOX_RUNNING" });
    expect((error as Error).message).toContain(`pid ${process.pid}`);
  });

  test.each([
    ["the test runner's own pid", () => process.pid],
    ["pid 1", () => 1],
  ])(
    "a running.json naming a live process that is not a sandbox (%s) is removed with a warning",
    async (_name, pid) => {
      // Something answers on the control URL, but not as a sandbox would.
      const port = await listening(createServer((_req, res) => res.end('{"hello":"world"}')));
      const path = await writeRunning({ pid: pid(), controlUrl: `http://127.0.0.1:${port}` });
      await writeFile(join(sandboxDir, "env.sh"), "export AWS_SECRET_ACCESS_KEY='old'\n", { mode: 0o600 });
      const warnings: string[] = [];
      expect(await attachSandbox(stateDir, { warn: (m) => warnings.push(m) })).toBeUndefined();
      expect(warnings).toEqual([`removed a stale running.json from ${sandboxDir} (pid ${pid()} is not a sandbox)`]);
      expect(await exists(path)).toBe(false);
      expect(await exists(join(sandboxDir, "env.sh"))).toBe(false);
    },
  );

  test("a running.json naming a live sandbox's pid and control URL but another start of it is not trusted", async () => {
    await launch(true);
    const path = join(sandboxDir, "running.json");
    const info = JSON.parse(await readFile(path, "utf8")) as { pid: number; controlUrl: string };
    // As if an earlier start had left it: same process and URL, another instance id.
    await writeRunning({
      pid: info.pid,
      controlUrl: info.controlUrl,
      instanceId: "11111111-1111-4111-8111-111111111111",
    });
    const warnings: string[] = [];
    expect(await attachSandbox(stateDir, { warn: (m) => warnings.push(m) })).toBeUndefined();
    expect(warnings).toEqual([
      `removed a stale running.json from ${sandboxDir} (pid ${info.pid} is not the sandbox it names)`,
    ]);
    expect(await exists(path)).toBe(false);
  });

  test("a control URL that accepts but never answers is given up on, and the file removed", async () => {
    // Reads and drops the request, so it sees the client hang up, and never answers.
    const silent = createTcpServer((socket: Socket) => socket.resume().on("error", () => undefined));
    const port = await listening(silent);
    const path = await writeRunning({ pid: process.pid, controlUrl: `http://127.0.0.1:${port}` });
    const warnings: string[] = [];
    expect(await attachSandbox(stateDir, { warn: (m) => warnings.push(m) })).toBeUndefined();
    expect(warnings[0]).toContain("is not a sandbox");
    expect(await exists(path)).toBe(false);
  });

  test("a running.json whose process has exited is removed with a warning", async () => {
    const child = spawn(process.execPath, ["-e", ""]);
    const pid = child.pid as number;
    await new Promise((resolve) => child.once("exit", resolve));
    const path = await writeRunning({ pid, controlUrl: "http://127.0.0.1:9" });
    const warnings: string[] = [];
    expect(await attachSandbox(stateDir, { warn: (m) => warnings.push(m) })).toBeUndefined();
    expect(warnings).toEqual([`removed a stale running.json from ${sandboxDir} (pid ${pid} is no longer running)`]);
    expect(await exists(path)).toBe(false);
  });

  test("reset refuses while a sandbox runs, then empties the clouds but keeps the CA and ports", async () => {
    const running = await launch(true);
    await expect(resetSandbox(stateDir)).rejects.toMatchObject({ code: "SANDBOX_RUNNING" });
    expect(await exists(join(sandboxDir, "aws.json"))).toBe(true);
    await running.close();
    const { removed } = await resetSandbox(stateDir);
    expect(removed.sort()).toEqual(["aws.json", "azure.json", "journal.jsonl"]);
    expect(await exists(join(sandboxDir, "ports.json"))).toBe(true);
    expect(await exists(join(sandboxDir, "ca", "root-ca.pem"))).toBe(true);
  });
});

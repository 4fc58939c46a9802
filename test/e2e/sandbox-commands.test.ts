import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readJournal } from "../../src/sandbox/harness/index.js";
import { readState } from "../../src/state/store.js";
import { tempDir } from "../helpers/temp-dir.js";

const bin = fileURLToPath(new URL("../../bin/oidc-bridge.cjs", import.meta.url));

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
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir.path,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `sandbox start --json` and resolves with its result event once it is serving. */
async function startForeground(): Promise<{
  endpoints: Record<string, string>;
  envFile: string;
  stdout: () => string;
}> {
  running = spawn(process.execPath, [bin, "--json", "sandbox", "start"], { cwd: dir.path, env: { ...process.env } });
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
    expect(Object.keys(started.endpoints).sort()).toEqual(["arm", "entra", "entra-keys", "iam", "ssm", "sts"]);
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
    await expect(stat(join(dir.path, ".oidc-bridge/sandbox/running.json"))).rejects.toThrow();
    // The next in-process sandbox reuses the same ports: the issuer URL must not move.
    const again = cli("--sandbox", "--json", "trust");
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("trust: unchanged");
    expect(
      JSON.parse(await readFile(join(dir.path, ".oidc-bridge/sandbox/ports.json"), "utf8")) as unknown,
    ).toMatchObject({ iam: Number(iamPort) });
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

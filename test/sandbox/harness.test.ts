import { afterEach, describe, expect, it } from "vitest";
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { connect as tcpConnect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type PeerCertificate, type DetailedPeerCertificate } from "node:tls";
import { X509Certificate } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  BIND_RETRY_DELAYS_MS,
  CONTROL_ENDPOINTS_PATH,
  CONTROL_IDENTITY_PATH,
  isSandboxError,
  readJournal,
  seededRandom,
  startSandbox,
  type BindRetry,
  type RunningSandbox,
  type StartSandboxOptions,
} from "../../src/sandbox/harness/index.js";
import type { DynamicListener, DynamicListenerSpec, SandboxService } from "../../src/sandbox/harness/types.js";
import { SANDBOX_ENV } from "../../src/sandbox/constants.js";

/** A tiny cloud for the harness tests only: a counter, one plain and one TLS listener. */
function counterService(): SandboxService {
  return {
    name: "counter",
    listeners: [
      { name: "plain", tls: false },
      { name: "secure", tls: true, chain: "a" },
      { name: "other", tls: true, chain: "b" },
    ],
    latencyMs: { Increment: 50 },
    faultResponse(listener, status, retryAfter) {
      return { status, operation: "Fault", body: { error: { code: "Throttled", listener, retryAfter } } };
    },
    async handle(req, ctx) {
      const doc = ctx.state(() => ({ count: 0 }));
      if (req.method === "GET" && req.path === "/count")
        return { status: 200, operation: "GetCount", body: { count: doc.count } };
      if (req.method === "POST" && req.path === "/increment") {
        await ctx.latency("Increment");
        doc.count += 1;
        await ctx.save();
        return { status: 200, operation: "Increment", write: true, body: { count: doc.count } };
      }
      if (req.path === "/echo")
        return { status: 200, operation: "Echo", headers: { "content-type": "text/plain" }, body: req.body };
      if (req.path === "/boom") throw new Error("handler exploded");
      return { status: 404, operation: "NotFound", body: "no such path" };
    },
  };
}

const running: RunningSandbox[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function freshDir(): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), "sandbox-harness-"));
  dirs.push(base);
  // A not-yet-existing subfolder, so the harness has to create it with the right mode.
  return join(base, "sandbox");
}

async function start(dir: string, extra: Partial<StartSandboxOptions> = {}): Promise<RunningSandbox> {
  const sandbox = await startSandbox({ dir, services: [counterService()], env: {}, ...extra });
  running.push(sandbox);
  return sandbox;
}

async function stop(sandbox: RunningSandbox): Promise<void> {
  await sandbox.stop();
  running.splice(running.indexOf(sandbox), 1);
}

async function call(
  base: string,
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${base}${path}`, { method, ...init });
}

/** GET over TLS trusting only the sandbox root (node's fetch cannot take a CA per call). */
function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

interface PeerChain {
  certs: DetailedPeerCertificate[];
  authorized: boolean;
  authorizationError: Error | null;
}

function peerChain(url: string, ca?: string): Promise<PeerChain> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        host: "127.0.0.1",
        port: Number(port),
        ...(ca ? { ca } : {}),
        servername: "localhost",
        rejectUnauthorized: false,
      },
      () => {
        const certs: DetailedPeerCertificate[] = [];
        let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
        // Node links the chain through issuerCertificate, ending in a self-reference at the root it found.
        while (cert && Object.keys(cert).length > 0 && !certs.includes(cert)) {
          certs.push(cert);
          cert = cert.issuerCertificate === cert ? undefined : cert.issuerCertificate;
        }
        resolve({ certs, authorized: socket.authorized, authorizationError: socket.authorizationError ?? null });
        socket.end();
      },
    );
    socket.on("error", reject);
  });
}

/** Certificates the server itself sent, from the raw handshake (not what the client completed). */
function sentCertificates(url: string): Promise<X509Certificate[]> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: Number(port), rejectUnauthorized: false }, () => {
      // Without a trusted root the client cannot complete the chain, so only sent certificates show.
      const out: X509Certificate[] = [];
      let cert: PeerCertificate & { issuerCertificate?: PeerCertificate } = socket.getPeerCertificate(true);
      const seen = new Set<string>();
      while (cert?.raw && !seen.has(cert.fingerprint256)) {
        seen.add(cert.fingerprint256);
        out.push(new X509Certificate(cert.raw));
        cert = cert.issuerCertificate as PeerCertificate;
      }
      resolve(out);
      socket.end();
    });
    socket.on("error", reject);
  });
}

describe("sandbox harness", () => {
  it("binds every listener on 127.0.0.1 and keeps the same ports across a restart", async () => {
    const dir = await freshDir();
    const first = await start(dir);
    expect(Object.keys(first.endpoints).sort()).toEqual(["other", "plain", "secure"]);
    expect(first.endpoints.plain).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.endpoints.secure).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const before = { ...first.endpoints };
    await stop(first);
    const second = await start(dir);
    expect(second.endpoints).toEqual(before);
  });

  it("fails after bounded retries with an error naming the listener and port when a kept port stays taken", async () => {
    const dir = await freshDir();
    const first = await start(dir);
    const port = Number(new URL(first.endpoints.plain!).port);
    await stop(first);
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    const retries: BindRetry[] = [];
    try {
      const error = await start(dir, { onBindRetry: (r) => retries.push(r) }).catch((err: unknown) => err);
      expect(isSandboxError(error)).toBe(true);
      expect(error).toMatchObject({ code: "SANDBOX_PORT_IN_USE" });
      expect((error as Error).message).toMatch(
        new RegExp(`"plain" cannot bind 127\\.0\\.0\\.1:${port} .*still in use after 2 s of retries`),
      );
      expect((error as { hint: string }).hint).toContain(`port ${port}`);
      expect(retries.map((r) => r.delayMs)).toEqual(BIND_RETRY_DELAYS_MS);
      expect(new Set(retries.map((r) => `${r.listener}:${r.port}`))).toEqual(new Set([`plain:${port}`]));
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it("waits for a kept port that is freed a moment later (a sandbox just killed) and binds the same one", async () => {
    const dir = await freshDir();
    const first = await start(dir);
    const before = { ...first.endpoints };
    const port = Number(new URL(first.endpoints.plain!).port);
    await stop(first);
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    const retries: BindRetry[] = [];
    // The squatter lets go when the harness first finds the port taken, as a dying process would.
    const second = await start(dir, {
      onBindRetry: (r) => {
        retries.push(r);
        if (retries.length === 1) squatter.close();
      },
    });
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]).toMatchObject({ listener: "plain", port, attempt: 1 });
    expect(second.endpoints).toEqual(before);
  });

  it("presents leaf plus intermediate (not the root) that verifies against the sandbox root", async () => {
    const dir = await freshDir();
    const sandbox = await start(dir);
    const sent = await sentCertificates(sandbox.endpoints.secure!);
    expect(sent).toHaveLength(2);
    const root = new X509Certificate(sandbox.caPem);
    const [leaf, intermediate] = sent as [X509Certificate, X509Certificate];
    expect(leaf.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(leaf.checkHost("localhost")).toBe("localhost");
    expect(leaf.ca).toBe(false);
    expect(intermediate.ca).toBe(true);
    expect(leaf.checkIssued(intermediate)).toBe(true);
    expect(intermediate.checkIssued(root)).toBe(true);
    expect(intermediate.fingerprint256).not.toBe(root.fingerprint256);
    expect(new Date(leaf.validFrom).getTime()).toBeLessThan(Date.now() - 60_000);

    const verified = await peerChain(sandbox.endpoints.secure!, sandbox.caPem);
    expect(verified.authorizationError).toBeNull();
    expect(verified.authorized).toBe(true);
    // leaf → intermediate (both sent) → the sandbox root (from `ca`).
    expect(verified.certs.map((c) => c.fingerprint256).at(-1)).toBe(root.fingerprint256);
    expect(verified.certs).toHaveLength(3);
    expect(await httpsGet(`${sandbox.endpoints.secure}/count`, sandbox.caPem)).toEqual({
      status: 200,
      body: '{"count":0}',
    });
  });

  it("is not trusted by a client that was not given the sandbox root", async () => {
    const dir = await freshDir();
    const sandbox = await start(dir);
    const untrusted = await peerChain(sandbox.endpoints.secure!);
    expect(untrusted.authorized).toBe(false);
  });

  it("signs listeners on chains a and b with different intermediates under the same root", async () => {
    const dir = await freshDir();
    const sandbox = await start(dir);
    const [, interA] = (await sentCertificates(sandbox.endpoints.secure!)) as [X509Certificate, X509Certificate];
    const [, interB] = (await sentCertificates(sandbox.endpoints.other!)) as [X509Certificate, X509Certificate];
    expect(interA.fingerprint256).not.toBe(interB.fingerprint256);
    const root = new X509Certificate(sandbox.caPem);
    expect(interA.checkIssued(root)).toBe(true);
    expect(interB.checkIssued(root)).toBe(true);
    expect((await peerChain(sandbox.endpoints.other!, sandbox.caPem)).authorized).toBe(true);
  });

  it("keeps the same root CA across restarts", async () => {
    const dir = await freshDir();
    const first = await start(dir);
    const pem = first.caPem;
    await stop(first);
    const second = await start(dir);
    expect(second.caPem).toBe(pem);
    expect((await peerChain(second.endpoints.secure!, pem)).authorized).toBe(true);
  });

  it("persists service state across a restart", async () => {
    const dir = await freshDir();
    const first = await start(dir);
    await call(first.endpoints.plain!, "POST", "/increment");
    await call(first.endpoints.plain!, "POST", "/increment");
    await stop(first);
    const second = await start(dir);
    const res = await call(second.endpoints.plain!, "GET", "/count");
    expect(await res.json()).toEqual({ count: 2 });
  });

  it("sends object bodies as JSON with a content length, and strings and buffers as they are", async () => {
    const dir = await freshDir();
    const sandbox = await start(dir);
    const json = await call(sandbox.endpoints.plain!, "GET", "/count");
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(json.headers.get("content-length")).toBe(String('{"count":0}'.length));
    const echo = await call(sandbox.endpoints.plain!, "POST", "/echo?x=1", { body: "hello" });
    expect(echo.headers.get("content-type")).toBe("text/plain");
    expect(await echo.text()).toBe("hello");
  });

  it("answers 500 with a plain body when a handler throws, journals it and keeps serving", async () => {
    const dir = await freshDir();
    const sandbox = await start(dir);
    const res = await call(sandbox.endpoints.plain!, "GET", "/boom");
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toContain("handler exploded");
    expect((await call(sandbox.endpoints.plain!, "GET", "/count")).status).toBe(200);
    const journal = await readJournal(sandbox.journalPath);
    expect(journal[0]).toMatchObject({ service: "plain", status: 500, path: "/boom", write: false });
  });

  it("journals one line per request with time, listener, operation, method, path, status, duration and write", async () => {
    const dir = await freshDir();
    const sandbox = await start(dir);
    await call(sandbox.endpoints.plain!, "POST", "/increment?token=abc");
    await call(sandbox.endpoints.plain!, "GET", "/count");
    const journal = await readJournal(sandbox.journalPath);
    expect(journal).toHaveLength(2);
    const [first, second] = journal;
    expect(first).toMatchObject({
      service: "plain",
      operation: "Increment",
      method: "POST",
      path: "/increment",
      status: 200,
      write: true,
    });
    expect(second).toMatchObject({ operation: "GetCount", method: "GET", write: false });
    expect(new Date(first!.time).toISOString()).toBe(first!.time);
    expect(typeof first!.durationMs).toBe("number");
    expect(first!.fault).toBeUndefined();
    expect(first!.request).toBeUndefined();
  });

  it("uses the injected clock for journal times", async () => {
    const dir = await freshDir();
    const sandbox = await start(dir, { now: () => Date.UTC(2030, 0, 1) });
    await call(sandbox.endpoints.plain!, "GET", "/count");
    const [entry] = await readJournal(sandbox.journalPath);
    expect(entry!.time).toBe("2030-01-01T00:00:00.000Z");
  });

  it("in bodies mode journals headers and bodies with JWTs and Authorization removed", async () => {
    const dir = await freshDir();
    const sandbox = await start(dir, { env: { [SANDBOX_ENV.journalBodies]: "1" } });
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzb21lb25lIn0.c2lnbmF0dXJlc2lnbmF0dXJl";
    await call(sandbox.endpoints.plain!, "POST", "/echo", {
      body: `WebIdentityToken=${jwt}&Action=AssumeRoleWithWebIdentity`,
      headers: {
        authorization: "Bearer opaque-secret-value-1234567890",
        "content-type": "application/x-www-form-urlencoded",
      },
    });
    const text = await readFile(sandbox.journalPath, "utf8");
    expect(text).not.toContain(jwt);
    expect(text).not.toContain("opaque-secret-value");
    const [entry] = await readJournal(sandbox.journalPath);
    expect(entry!.request!.headers.authorization).toBe("[redacted]");
    expect(entry!.request!.body).toContain("Action=AssumeRoleWithWebIdentity");
    expect(entry!.response!.body).toContain("[redacted");
  });

  it("injects the service's own fault shape with Retry-After at fault rate 1, without calling the handler", async () => {
    const dir = await freshDir();
    const env = {
      [SANDBOX_ENV.faultRate]: "1",
      [SANDBOX_ENV.faultStatus]: "503",
      [SANDBOX_ENV.faultRetryAfter]: "7",
      [SANDBOX_ENV.faultServices]: "plain",
    };
    const sandbox = await start(dir, { env });
    const res = await call(sandbox.endpoints.plain!, "POST", "/increment");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.json()).toEqual({ error: { code: "Throttled", listener: "plain", retryAfter: 7 } });
    const [entry] = await readJournal(sandbox.journalPath);
    expect(entry).toMatchObject({ service: "plain", operation: "Fault", status: 503, fault: "503", write: false });
    // Listeners not named in FAULT_SERVICES are left alone, and the faulted increment never ran.
    expect(await httpsGet(`${sandbox.endpoints.secure}/count`, sandbox.caPem)).toEqual({
      status: 200,
      body: '{"count":0}',
    });
  });

  it("injects faults at a fractional rate reproducibly with a seeded random source", async () => {
    const statuses = async (): Promise<number[]> => {
      const dir = await freshDir();
      const sandbox = await start(dir, { env: { [SANDBOX_ENV.faultRate]: "0.5" }, random: seededRandom(42) });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await call(sandbox.endpoints.plain!, "GET", "/count")).status);
      await stop(sandbox);
      return out;
    };
    const a = await statuses();
    const b = await statuses();
    expect(a).toEqual(b);
    expect(a).toContain(429);
    expect(a).toContain(200);
  });

  it("calls the injected exit with 137 right after exactly N writes, once state and journal are on disk", async () => {
    const dir = await freshDir();
    const exits: number[] = [];
    const sandbox = await start(dir, {
      env: { [SANDBOX_ENV.dieAfterWrites]: "2" },
      exit: (code) => {
        exits.push(code);
      },
    });
    await call(sandbox.endpoints.plain!, "GET", "/count");
    await call(sandbox.endpoints.plain!, "POST", "/increment");
    expect(exits).toHaveLength(0);
    await call(sandbox.endpoints.plain!, "POST", "/increment");
    await waitFor(() => exits.length > 0);
    expect(exits).toEqual([137]);
    const journal = await readJournal(sandbox.journalPath);
    expect(journal.filter((e) => e.write)).toHaveLength(2);
    const state = JSON.parse(await readFile(join(dir, "counter.json"), "utf8")) as { count: number };
    expect(state.count).toBe(2);
    await call(sandbox.endpoints.plain!, "POST", "/increment");
    expect(exits).toHaveLength(1);
  });

  it("delays responses by the realistic profile and by added latency", async () => {
    const dir = await freshDir();
    const sandbox = await start(dir, {
      env: { [SANDBOX_ENV.profile]: "realistic", [SANDBOX_ENV.latencyScale]: "2", [SANDBOX_ENV.addedLatencyMs]: "20" },
    });
    const t0 = performance.now();
    await call(sandbox.endpoints.plain!, "POST", "/increment");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
  });

  it("creates its folder 0700 and every file in it 0600", async () => {
    const dir = await freshDir();
    const sandbox = await start(dir);
    await call(sandbox.endpoints.plain!, "POST", "/increment");
    await stop(sandbox);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, "ca"))).mode & 0o777).toBe(0o700);
    const files = [
      ...(await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(dir, e.name)),
      ...(await readdir(join(dir, "ca"))).map((name) => join(dir, "ca", name)),
    ];
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(
      expect.arrayContaining([
        "ports.json",
        "journal.jsonl",
        "counter.json",
        "ca/root-ca.key.pem",
        "ca/leaf-a.key.pem",
      ]),
    );
    for (const file of files) expect({ file, mode: (await stat(file)).mode & 0o777 }).toEqual({ file, mode: 0o600 });
  });
});

describe("sandbox harness: switches and damaged files", () => {
  it.each([
    [SANDBOX_ENV.profile, "slow", '"fast" or "realistic"'],
    [SANDBOX_ENV.latencyScale, "-1", "a number from 0 to 1000"],
    [SANDBOX_ENV.addedLatencyMs, "soon", "a number from 0 to 600000"],
    [SANDBOX_ENV.faultRate, "2", "a number from 0 to 1"],
    [SANDBOX_ENV.faultStatus, "404", "429, 500 or 503"],
    [SANDBOX_ENV.faultRetryAfter, "-3", "a number from 0 to 3600"],
    [SANDBOX_ENV.faultServices, "plain,nope", "a comma-separated list of listener names: plain, secure, other"],
    [SANDBOX_ENV.dieAfterWrites, "0", "a whole number from 1 to 1000000"],
    [SANDBOX_ENV.journalBodies, "yes", '"1" (on) or "0" (off)'],
    [SANDBOX_ENV.faultSeed, "1.5", "a whole number from 0 to 4294967295"],
  ])(
    "refuses %s=%s before creating any folder, naming the variable, value and allowed range",
    async (name, value, allowed) => {
      const dir = await freshDir();
      const error = await start(dir, { env: { [name]: value } }).catch((err: unknown) => err);
      expect(isSandboxError(error)).toBe(true);
      expect(error).toMatchObject({ code: "SANDBOX_BAD_SETTING" });
      const { message, hint } = error as { message: string; hint: string };
      expect(message).toContain(`${name}="${value}"`);
      expect(message).toContain(allowed);
      expect(`${message} ${hint}`).not.toMatch(/other sandbox/);
      await expect(stat(dir)).rejects.toMatchObject({ code: "ENOENT" });
    },
  );

  it.each([
    ["not JSON", "{ plain: 1", /is not valid JSON/],
    [
      "a port that is not a number",
      '{ "plain": "8080" }',
      /the port of "plain" is "8080", not a whole number from 1 to 65535/,
    ],
    ["an array", "[1, 2]", /not a JSON object/],
  ])("names a damaged ports.json (%s) and the fix", async (_what, text, why) => {
    const dir = await freshDir();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "ports.json"), text);
    const error = await start(dir).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: "SANDBOX_PORTS_CORRUPT" });
    const { message, hint } = error as { message: string; hint: string };
    expect(message).toContain(join(dir, "ports.json"));
    expect(message).toMatch(why);
    expect(hint).toContain(`delete ${join(dir, "ports.json")}`);
    expect(hint).toContain("oidc-bridge sandbox reset");
  });

  it.each(["journal.jsonl", "counter.json", "ports.json", "ca/root-ca.pem"])(
    "refuses to start when %s is a symbolic link, and leaves the link's target as it was",
    async (name) => {
      const dir = await freshDir();
      const first = await start(dir);
      await call(first.endpoints.plain!, "POST", "/increment");
      await stop(first);
      const target = join(dir, "..", "precious.txt");
      await writeFile(target, "precious\n", { mode: 0o640 });
      await chmod(target, 0o640);
      await rm(join(dir, name));
      await symlink(target, join(dir, name));
      const error = await start(dir).catch((err: unknown) => err);
      expect(error).toMatchObject({ code: "SANDBOX_UNSAFE_PATH" });
      expect((error as Error).message).toBe(
        `refusing to use ${join(dir, name)}: it is a symbolic link, and the sandbox never follows links in its folder`,
      );
      expect(await readFile(target, "utf8")).toBe("precious\n");
      expect((await stat(target)).mode & 0o777).toBe(0o640);
    },
  );

  it("refuses to append to a journal with a second hard link", async () => {
    const dir = await freshDir();
    await stop(await start(dir));
    const { link } = await import("node:fs/promises");
    await link(join(dir, "journal.jsonl"), join(dir, "..", "journal-copy"));
    await expect(start(dir)).rejects.toMatchObject({ code: "SANDBOX_UNSAFE_PATH", message: /2 hard links/ });
  });

  it("leaves the mode of a folder it did not create alone", async () => {
    const dir = await freshDir();
    await mkdir(dir, { mode: 0o750 });
    await chmod(dir, 0o750);
    await stop(await start(dir));
    expect((await stat(dir)).mode & 0o777).toBe(0o750);
    // The CA folder it did create is private.
    expect((await stat(join(dir, "ca"))).mode & 0o777).toBe(0o700);
  });
});

describe("sandbox harness: control listener and dynamic listeners", () => {
  /** A test-only cloud that opens and closes listeners when asked over its fixed listener "gate". */
  function gatewayService(): SandboxService {
    const opened = new Map<string, DynamicListener>();
    return {
      name: "gateway",
      listeners: [{ name: "gate", tls: false }],
      faultResponse(listener, status) {
        return { status, operation: "Fault", body: { fault: listener } };
      },
      async handle(req, ctx) {
        if (req.listener !== "gate") {
          return { status: 200, operation: "Hello", body: { listener: req.listener, path: req.path } };
        }
        const name = req.query.get("name") ?? "";
        if (req.method === "POST" && req.path === "/open") {
          const kind = req.query.get("kind");
          const publish = req.query.get("publish") === "1";
          const spec: DynamicListenerSpec =
            kind === "tcp"
              ? { name, kind, publish, onConnection: (socket) => socket.end(`SSH-2.0-sandbox ${name}\r\n`) }
              : { name, kind: kind === "https" ? "https" : "http", publish, chain: "b" };
          try {
            const listener = await ctx.addListener(spec);
            opened.set(name, listener);
            return { status: 201, operation: "Open", body: { url: listener.url, port: listener.port } };
          } catch (err) {
            if (!isSandboxError(err)) throw err;
            return { status: 409, operation: "Open", body: { code: err.code, message: err.message } };
          }
        }
        if (req.method === "POST" && req.path === "/close") {
          await opened.get(name)?.close();
          return { status: 204, operation: "Close" };
        }
        return { status: 404, operation: "NotFound" };
      },
    };
  }

  async function startGateway(extra: Partial<StartSandboxOptions> = {}): Promise<RunningSandbox> {
    return start(await freshDir(), { services: [counterService(), gatewayService()], ...extra });
  }

  async function open(
    sandbox: RunningSandbox,
    query: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await call(sandbox.endpoints.gate!, "POST", `/open?${query}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  function banner(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      let text = "";
      const socket = tcpConnect({ host: "127.0.0.1", port }, () => undefined);
      socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
  }

  it("answers its identity and current endpoints on the control listener", async () => {
    const sandbox = await startGateway();
    expect(sandbox.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const identity = await (await fetch(`${sandbox.controlUrl}${CONTROL_IDENTITY_PATH}`)).json();
    expect(identity).toEqual({ sandbox: "oidc-bridge", instanceId: sandbox.instanceId, pid: process.pid });
    expect(await (await fetch(`${sandbox.controlUrl}${CONTROL_ENDPOINTS_PATH}`)).json()).toEqual(sandbox.endpoints);
    // Not an endpoint of the emulated clouds.
    expect(Object.values(sandbox.endpoints)).not.toContain(sandbox.controlUrl);
  });

  it("opens an HTTP listener on request that goes through dispatch and the journal, and closes it", async () => {
    const sandbox = await startGateway();
    const opened = await open(sandbox, "name=vm-1&kind=http");
    expect(opened.status).toBe(201);
    const url = opened.body.url as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.values(sandbox.endpoints)).not.toContain(url);
    const res = await call(url, "GET", "/metadata");
    expect(await res.json()).toEqual({ listener: "vm-1", path: "/metadata" });
    const journal = await readJournal(sandbox.journalPath);
    expect(journal.at(-1)).toMatchObject({ service: "vm-1", operation: "Hello", path: "/metadata", status: 200 });

    expect((await call(sandbox.endpoints.gate!, "POST", "/close?name=vm-1")).status).toBe(204);
    await expect(call(url, "GET", "/metadata")).rejects.toThrow();
  });

  it("opens an HTTPS listener on the chain asked for, trusted through the sandbox root", async () => {
    const sandbox = await startGateway();
    const { body } = await open(sandbox, "name=vm-tls&kind=https");
    const url = body.url as string;
    expect(url).toMatch(/^https:\/\//);
    expect(await httpsGet(`${url}/x`, sandbox.caPem)).toEqual({
      status: 200,
      body: JSON.stringify({ listener: "vm-tls", path: "/x" }),
    });
    const [, intermediate] = await sentCertificates(url);
    const [, chainB] = await sentCertificates(sandbox.endpoints.other!);
    expect(intermediate?.fingerprint256).toBe(chainB?.fingerprint256);
  });

  it("opens a raw TCP listener whose connections go to the service's handler, and stops it with the sandbox", async () => {
    const sandbox = await startGateway();
    const { body } = await open(sandbox, "name=vm-ssh&kind=tcp");
    expect(body.url).toBe(`tcp://127.0.0.1:${body.port as number}`);
    expect(await banner(body.port as number)).toBe("SSH-2.0-sandbox vm-ssh\r\n");
    await stop(sandbox);
    await expect(banner(body.port as number)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("lists a published listener in the endpoints and tells the owner, until it is closed", async () => {
    const changes: Array<Record<string, string>> = [];
    const sandbox = await startGateway({
      onEndpointsChange: (endpoints) => {
        changes.push({ ...endpoints });
        return Promise.resolve();
      },
    });
    const fixed = { ...sandbox.endpoints };
    const { body } = await open(sandbox, "name=vm-2-ssh&kind=tcp&publish=1");
    expect(sandbox.endpoints["vm-2-ssh"]).toBe(body.url);
    expect(changes).toEqual([{ ...fixed, "vm-2-ssh": body.url }]);
    expect(await (await fetch(`${sandbox.controlUrl}${CONTROL_ENDPOINTS_PATH}`)).json()).toMatchObject({
      "vm-2-ssh": body.url,
    });
    await call(sandbox.endpoints.gate!, "POST", "/close?name=vm-2-ssh");
    expect(sandbox.endpoints).toEqual(fixed);
    expect(changes.at(-1)).toEqual(fixed);
  });

  it("refuses a dynamic listener whose name is taken", async () => {
    const sandbox = await startGateway();
    expect(await open(sandbox, "name=plain&kind=http")).toMatchObject({
      status: 409,
      body: { code: "SANDBOX_LISTENER_EXISTS" },
    });
    expect((await open(sandbox, "name=vm-3&kind=tcp")).status).toBe(201);
    expect(await open(sandbox, "name=vm-3&kind=http")).toMatchObject({
      status: 409,
      body: { code: "SANDBOX_LISTENER_EXISTS" },
    });
  });

  it("injects faults on a dynamic HTTP listener as on the fixed ones", async () => {
    const sandbox = await startGateway({ env: { [SANDBOX_ENV.faultRate]: "1", [SANDBOX_ENV.faultStatus]: "503" } });
    const listener = await sandbox.addListener("gateway", { name: "vm-4", kind: "http" });
    const res = await call(listener.url, "GET", "/metadata");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toEqual({ fault: "vm-4" });
    const [entry] = await readJournal(sandbox.journalPath);
    expect(entry).toMatchObject({ service: "vm-4", fault: "503", status: 503 });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

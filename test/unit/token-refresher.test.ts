import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { refresherScript } from "../../src/remote/token-refresher.js";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
type Reply = { status: number; body: object };

let dir: string;
let server: Server;
let seen: IncomingMessage[];
let replies: Reply[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "refresher-"));
  seen = [];
  replies = [];
  server = createServer((req, res) => {
    seen.push(req);
    const reply = replies.shift() ?? { status: 500, body: { error: "no reply left" } };
    res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
});

afterEach(async () => {
  await new Promise((done) => server.close(done));
  await rm(dir, { recursive: true, force: true });
});

async function runRefresher(): Promise<{ code: number; out: string }> {
  const script = join(dir, "refresh");
  const tokenFile = join(dir, "home", ".azure", "vm-identity-token");
  await writeFile(script, refresherScript({ audience: "api://AzureADTokenExchange", clientId: "cid-1", tokenFile }));
  const port = (server.address() as AddressInfo).port;
  return new Promise((done) => {
    execFile(
      "/bin/sh",
      [script],
      { env: { PATH: process.env.PATH, IMDS_ENDPOINT: `http://127.0.0.1:${port}` } },
      (err, stdout, stderr) => done({ code: typeof err?.code === "number" ? err.code : 0, out: stdout + stderr }),
    );
  });
}

const tokenPath = () => join(dir, "home", ".azure", "vm-identity-token");
const ok: Reply = { status: 200, body: { access_token: TOKEN, expires_in: "86399", token_type: "Bearer" } };

describe("token refresher script", () => {
  it("asks IMDS with Metadata: true for the audience and client id, and writes the token 0600 without printing it", async () => {
    replies.push(ok);
    const { code, out } = await runRefresher();
    expect(code).toBe(0);
    expect(out).not.toContain(TOKEN);
    expect(await readFile(tokenPath(), "utf8")).toBe(TOKEN);
    expect((await stat(tokenPath())).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "home", ".azure"))).mode & 0o777).toBe(0o700);
    const req = seen[0];
    expect(req?.headers.metadata).toBe("true");
    const url = new URL(req?.url ?? "", "http://x");
    expect(url.pathname).toBe("/metadata/identity/oauth2/token");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      "api-version": "2018-02-01",
      resource: "api://AzureADTokenExchange",
      client_id: "cid-1",
    });
  });

  it("retries 410 and Identity not found, then writes the token", async () => {
    replies.push(
      { status: 410, body: {} },
      { status: 400, body: { error: "invalid_request", error_description: "Identity not found" } },
      ok,
    );
    const { code } = await runRefresher();
    expect(code).toBe(0);
    expect(seen).toHaveLength(3);
    expect(await readFile(tokenPath(), "utf8")).toBe(TOKEN);
  }, 20_000);

  it("gives up at once on another 4xx, says why, and leaves the old token in place", async () => {
    replies.push(ok);
    await runRefresher();
    replies.push({
      status: 400,
      body: { error: "invalid_request", error_description: "Required metadata header not specified" },
    });
    const { code, out } = await runRefresher();
    expect(code).toBe(1);
    expect(seen).toHaveLength(2);
    expect(out).toContain("refused (400): Required metadata header not specified");
    expect(await readFile(tokenPath(), "utf8")).toBe(TOKEN);
  });

  it("fails when a 200 carries no token, without replacing the file", async () => {
    replies.push({ status: 200, body: { token_type: "Bearer" } });
    const { code, out } = await runRefresher();
    expect(code).toBe(1);
    expect(out).toContain("without an access token");
    await expect(stat(tokenPath())).rejects.toThrow();
  });
});

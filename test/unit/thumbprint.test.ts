import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createServer, getCACertificates, setDefaultCACertificates, type Server } from "node:tls";
import { X509Certificate } from "node:crypto";
import type { AddressInfo } from "node:net";
import { loadOrCreateCa, type SandboxCa } from "../../src/sandbox/harness/index.js";
import { thumbprintOf } from "../../src/oidc/thumbprint.js";
import { tempDir } from "../helpers/temp-dir.js";

function sha1(pem: string): string {
  return new X509Certificate(pem).fingerprint.replace(/:/g, "").toLowerCase();
}

function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

async function serve(key: string, cert: string): Promise<{ server: Server; url: string }> {
  const server = createServer({ key, cert }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe("thumbprint", () => {
  let ca: SandboxCa;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const servers: Server[] = [];

  beforeAll(async () => {
    dir = await tempDir();
    ca = await loadOrCreateCa(dir.path);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await dir.cleanup();
  });

  test("is the SHA-1 of the root when the server presents root, intermediate and leaf", async () => {
    const chain = ca.chain("a");
    const { server, url } = await serve(chain.key, `${chain.cert.trimEnd()}\n${ca.rootPem.trimEnd()}\n`);
    servers.push(server);
    const result = await thumbprintOf(url);
    expect(result.thumbprint).toBe(sha1(ca.rootPem));
    expect(result.thumbprint).toMatch(/^[0-9a-f]{40}$/);
    expect(result.host).toBe(new URL(url).host);
  });

  test("is the SHA-1 of the intermediate when the server stops there, even though this machine could complete the chain", async () => {
    const chain = ca.chain("b");
    const [leaf, intermediate] = splitPem(chain.cert);
    const { server, url } = await serve(chain.key, chain.cert);
    servers.push(server);
    // Trust the root process-wide, as the sandbox does: Node would then append it to the chain.
    const defaults = getCACertificates("default");
    setDefaultCACertificates([...defaults, ca.rootPem]);
    const result = await thumbprintOf(url).finally(() => setDefaultCACertificates(defaults));
    expect(result.thumbprint).toBe(sha1(intermediate as string));
    expect(result.thumbprint).not.toBe(sha1(leaf as string));
    expect(result.thumbprint).not.toBe(sha1(ca.rootPem));
  });

  test("an unreachable host is a clear error naming it", async () => {
    const { server, url } = await serve(ca.chain("a").key, ca.chain("a").cert);
    await new Promise((resolve) => server.close(resolve));
    await expect(thumbprintOf(url)).rejects.toThrow(`cannot read the TLS certificate of ${new URL(url).host}`);
  });
});

import { createServer, type Server } from "node:http";
import { isIPv4 } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { checkIpResponse, handleCheckIp, publicAddressOf, SANDBOX_PUBLIC_IPV4 } from "../../src/sandbox/vm/index.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function serve(): Promise<string> {
  server = createServer(handleCheckIp);
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}`;
}

describe("sandbox what-is-my-IP", () => {
  it("answers GET / with an IPv4 address and a newline, as text", async () => {
    const url = await serve();
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const body = await response.text();
    expect(body.endsWith("\n")).toBe(true);
    expect(isIPv4(body.trim())).toBe(true);
    // A loopback caller gets the fixed documentation address, so the admin CIDR is a /32 of it.
    expect(body).toBe(`${SANDBOX_PUBLIC_IPV4}\n`);
  });

  it("reports a non-loopback caller's own address, IPv4-mapped or not", () => {
    expect(publicAddressOf("203.0.113.9")).toBe("203.0.113.9");
    expect(publicAddressOf("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(publicAddressOf("::ffff:127.0.0.1")).toBe(SANDBOX_PUBLIC_IPV4);
    expect(publicAddressOf("::1")).toBe(SANDBOX_PUBLIC_IPV4);
    expect(checkIpResponse({ method: "GET", path: "/", remoteAddress: "203.0.113.9" }).body).toBe("203.0.113.9\n");
  });

  it("answers only GET and HEAD of /", async () => {
    const url = await serve();
    const post = await fetch(`${url}/`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    const head = await fetch(`${url}/`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(SANDBOX_PUBLIC_IPV4.length + 1));
  });

  it("gives the harness a response it can return from a service's handle", () => {
    expect(checkIpResponse({ method: "GET", path: "/" })).toMatchObject({
      status: 200,
      operation: "CheckIp",
      write: false,
      body: `${SANDBOX_PUBLIC_IPV4}\n`,
    });
  });
});

import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { askPublicAddress } from "../../src/resources/admin-address.js";
import { bridgeFailure } from "../helpers/rejection.js";

const load = (adminCidrs: unknown, allowAnySource?: boolean) =>
  loadConfig({
    cwd: "/nonexistent",
    sandbox: true,
    env: { OIDC_BRIDGE_ADMIN_CIDRS: Array.isArray(adminCidrs) ? adminCidrs.join(",") : String(adminCidrs) },
    flags: allowAnySource === undefined ? {} : { allowAnySource },
  });

describe("admin CIDRs", () => {
  test.each(["0.0.0.0/0", "::/0", "10.0.0.0/7", "2001:db8::/16"])(
    "%s is refused before any call unless --allow-any-source, naming the field, the value and the fix",
    async (cidr) => {
      const error = await bridgeFailure(load([cidr]));
      expect(error.code).toBe("CONFIG_INVALID");
      const line = error.details.join("\n");
      expect(line).toContain(`adminCidrs: "${cidr}" would open SSH to`);
      expect(line).toContain("--allow-any-source");
      expect(line).toContain("(from OIDC_BRIDGE_ADMIN_CIDRS)");
      expect((await load([cidr], true)).config.adminCidrs).toEqual([cidr]);
    },
  );

  test("IPv4 and IPv6 CIDRs are accepted; malformed ones say what is wanted", async () => {
    expect((await load(["203.0.113.4/32", "2001:db8::1/128"])).config.adminCidrs).toEqual([
      "203.0.113.4/32",
      "2001:db8::1/128",
    ]);
    const error = await bridgeFailure(load(["2001:zz::/64"]));
    expect(error.details.join("\n")).toMatch(/adminCidrs\.0: must be an IPv4 CIDR .* or an IPv6 CIDR/);
  });
});

describe("what-is-my-IP", () => {
  let server: Server;
  let base: string;
  const answers: Record<string, [number, string]> = {
    "/v4": [200, "203.0.113.9\n"],
    "/v6": [200, "2001:db8::9\n"],
    "/html": [200, "<html>proxy login</html>"],
    "/refused": [403, "forbidden"],
  };
  let throttled = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      // Throttled twice, then answered: what a busy what-is-my-IP service does.
      if (req.url === "/busy" && throttled++ < 2) {
        res.writeHead(429, { "retry-after": "0" }).end("slow down");
        return;
      }
      const [status, body] = req.url === "/busy" ? [200, "203.0.113.7"] : (answers[req.url ?? ""] ?? [404, ""]);
      res.writeHead(status, { "content-type": "text/plain" }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test("an IPv4 answer is a /32, an IPv6 answer a /128", async () => {
    expect(await askPublicAddress(`${base}/v4`)).toBe("203.0.113.9/32");
    expect(await askPublicAddress(`${base}/v6`)).toBe("2001:db8::9/128");
  });

  test("a throttled answer is asked again after its Retry-After", async () => {
    expect(await askPublicAddress(`${base}/busy`)).toBe("203.0.113.7/32");
    expect(throttled).toBe(3);
  });

  test("anything but an address is refused with the fix: set adminCidrs by hand", async () => {
    for (const path of ["/html", "/refused"]) {
      const error = await bridgeFailure(askPublicAddress(`${base}${path}`));
      expect(error.code).toBe("ADMIN_ADDRESS_UNKNOWN");
      expect(error.message).toContain(`${base}${path}`);
      expect(error.hint).toContain("set adminCidrs");
    }
  });
});

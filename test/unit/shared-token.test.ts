import type { AccessToken, TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { sharedTokens } from "../../src/cloud/azure/shared-token.js";

function counting(expiresInMs: number, fail = false) {
  const calls: string[] = [];
  let clock = 1_000_000;
  const credential: TokenCredential = {
    getToken(scopes) {
      calls.push([scopes].flat().join(" "));
      if (fail) return Promise.reject(new Error("sign-in failed"));
      const token: AccessToken = { token: `t${calls.length}`, expiresOnTimestamp: clock + expiresInMs };
      return new Promise((resolve) => setTimeout(() => resolve(token), 5));
    },
  };
  return { calls, credential, advance: (ms: number) => (clock += ms), now: () => clock };
}

describe("one sign-in shared by every Azure client of a run", () => {
  it("gives concurrent asks for one scope one token request", async () => {
    const fake = counting(3_600_000);
    const shared = sharedTokens(fake.credential, fake.now);
    const tokens = await Promise.all([1, 2, 3, 4].map(() => shared.getToken("https://management.azure.com/.default")));
    expect(fake.calls).toHaveLength(1);
    expect(new Set(tokens.map((t) => t?.token))).toEqual(new Set(["t1"]));
  });

  it("asks again near expiry, and for another scope", async () => {
    const fake = counting(3_600_000);
    const shared = sharedTokens(fake.credential, fake.now);
    await shared.getToken("a");
    await shared.getToken("b");
    fake.advance(3_600_000 - 60_000);
    expect((await shared.getToken("a"))?.token).toBe("t3");
    expect(fake.calls).toEqual(["a", "b", "a"]);
  });

  it("does not keep a failed sign-in, and passes claims challenges through", async () => {
    const fake = counting(3_600_000, true);
    const shared = sharedTokens(fake.credential, fake.now);
    await expect(shared.getToken("a")).rejects.toThrow("sign-in failed");
    await expect(shared.getToken("a")).rejects.toThrow("sign-in failed");
    expect(fake.calls).toHaveLength(2);
    const ok = counting(3_600_000);
    const withClaims = sharedTokens(ok.credential, ok.now);
    await withClaims.getToken("a");
    await withClaims.getToken("a", { claims: "e30" });
    expect(ok.calls).toHaveLength(2);
  });
});

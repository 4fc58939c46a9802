import { describe, expect, test } from "vitest";
import { fetchWithRetry, retryAfterMs } from "../../src/util/fetch-retry.js";

/** A fetcher answering from a script, one entry per call; it records the calls. */
function scripted(answers: Array<Response | Error>) {
  const calls: string[] = [];
  const fetcher = (url: string) => {
    calls.push(url);
    const next = answers.shift();
    if (!next) throw new Error("no more answers scripted");
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { fetcher, calls };
}

function resetError(): Error {
  return new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
}

describe("fetchWithRetry", () => {
  test("429 and 5xx are asked again, honouring Retry-After, until an answer that is not transient", async () => {
    const slept: number[] = [];
    const { fetcher, calls } = scripted([
      new Response("", { status: 429, headers: { "retry-after": "2" } }),
      new Response("", { status: 500 }),
      resetError(),
      new Response("ok", { status: 200 }),
    ]);
    const response = await fetchWithRetry("https://x/", fetcher, {
      timeoutMs: 1000,
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
    });
    expect(await response.text()).toBe("ok");
    expect(calls).toHaveLength(4);
    // Retry-After first; then the exponential back-off of attempts 2 and 3.
    expect(slept).toEqual([2000, 500, 1000]);
  });

  test("a server that keeps failing gets its last answer returned after the attempts run out", async () => {
    const { fetcher, calls } = scripted(Array.from({ length: 3 }, () => new Response("", { status: 503 })));
    const response = await fetchWithRetry("https://x/", fetcher, {
      timeoutMs: 1000,
      attempts: 3,
      sleep: () => Promise.resolve(),
    });
    expect(response.status).toBe(503);
    expect(calls).toHaveLength(3);
  });

  test("a definite answer or a connection refused is not asked again", async () => {
    const notFound = scripted([new Response("", { status: 404 })]);
    expect((await fetchWithRetry("https://x/", notFound.fetcher, { timeoutMs: 1000 })).status).toBe(404);
    expect(notFound.calls).toHaveLength(1);
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
    });
    const down = scripted([refused]);
    await expect(fetchWithRetry("https://x/", down.fetcher, { timeoutMs: 1000 })).rejects.toBe(refused);
  });

  test("a Retry-After longer than half a minute is not waited for", async () => {
    const { fetcher, calls } = scripted([new Response("", { status: 429, headers: { "retry-after": "3600" } })]);
    expect((await fetchWithRetry("https://x/", fetcher, { timeoutMs: 1000 })).status).toBe(429);
    expect(calls).toHaveLength(1);
  });

  test("Retry-After is read as seconds or as an HTTP date", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:05 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(5000);
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

import type { Fetcher } from "../oidc/discovery.js";
import { errnoOf } from "./fs-errors.js";

export interface FetchRetryOptions {
  /** Per attempt, so a throttled first answer does not eat the time of the next. */
  readonly timeoutMs: number;
  readonly attempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Answers that say "ask again later", as the SDKs' own retry policies treat them. */
const TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);
/** Connection errors a retry can cure (the server closed a kept-alive socket, a reset mid-answer). */
const TRANSIENT_ERRNO = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);
const DEFAULT_ATTEMPTS = 6;
const FIRST_DELAY_MS = 250;
/** A Retry-After beyond this is not waited for: the caller reports the answer instead. */
const MAX_WAIT_MS = 30_000;

const defaultSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * A GET of a plain HTTP endpoint (OpenID discovery, what-is-my-IP) that rides out throttling and
 * server errors the way the SDK clients do: honour Retry-After, else back off exponentially. The
 * last answer is returned as is when every attempt was transient, so the caller's message names
 * the status the server kept giving.
 */
export async function fetchWithRetry(url: string, fetcher: Fetcher, options: FetchRetryOptions): Promise<Response> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    const backoff = FIRST_DELAY_MS * 2 ** (attempt - 1);
    let response: Response;
    try {
      response = await fetcher(url, { signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (err) {
      if (attempt >= attempts || !TRANSIENT_ERRNO.has(errnoOf((err as { cause?: unknown }).cause) ?? "")) throw err;
      await sleep(backoff);
      continue;
    }
    if (attempt >= attempts || !TRANSIENT.has(response.status)) return response;
    const wait = retryAfterMs(response.headers.get("retry-after")) ?? backoff;
    if (wait > MAX_WAIT_MS) return response;
    // Release the connection of the answer we discard.
    await response.body?.cancel().catch(() => undefined);
    await sleep(wait);
  }
}

/** Retry-After as delay-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

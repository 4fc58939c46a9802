import { z } from "zod";
import { BridgeError } from "../errors.js";
import { fetchWithRetry } from "../util/fetch-retry.js";

const discoverySchema = z.looseObject({
  issuer: z.string(),
  jwks_uri: z.url(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
});

export interface Discovery {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly signingAlgorithms: readonly string[];
}

export type Fetcher = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/**
 * Fetches the issuer's OpenID configuration and checks that it names the same issuer, to the
 * character: AWS matches the token's `iss` against the provider URL exactly, trailing slash too.
 */
export async function discover(issuer: string, fetcher: Fetcher = fetch, timeoutMs = 10_000): Promise<Discovery> {
  const url = `${issuer.endsWith("/") ? issuer : `${issuer}/`}.well-known/openid-configuration`;
  const fail = (what: string, cause?: unknown, hint?: string): BridgeError =>
    new BridgeError(`OpenID discovery at ${url}: ${what}`, {
      code: "OIDC_DISCOVERY_FAILED",
      fault: "cloud",
      cause,
      hint: hint ?? "check the tenant id and that this machine can reach the Entra sign-in hosts",
    });
  let response: Response;
  try {
    response = await fetchWithRetry(url, fetcher, { timeoutMs });
  } catch (err) {
    throw fail(`unreachable (${describeFetchError(err)})`, err);
  }
  if (!response.ok)
    throw fail(
      `HTTP ${response.status} ${response.statusText}`.trim(),
      undefined,
      response.status === 400 || response.status === 404
        ? "the tenant id is probably wrong: check azure.tenantId"
        : undefined,
    );
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fail(`the answer is not JSON (content-type ${response.headers.get("content-type") ?? "none"})`, err);
  }
  const parsed = discoverySchema.safeParse(json);
  if (!parsed.success) throw fail(`the document lacks ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  if (parsed.data.issuer !== issuer) {
    throw fail(
      `it names issuer "${parsed.data.issuer}", not "${issuer}"`,
      undefined,
      "the provider URL must equal the tokens' iss claim exactly; check azure.tenantId and azure.cloud",
    );
  }
  return {
    issuer: parsed.data.issuer,
    jwksUri: parsed.data.jwks_uri,
    signingAlgorithms: parsed.data.id_token_signing_alg_values_supported ?? [],
  };
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ""}`;
  return err instanceof Error ? err.message : String(err);
}

import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

/** A token closer to expiry than this is fetched again, as the Azure SDK's own refresh margin. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * One credential for every Azure client of a run: the clients start at once and each asks for a
 * token, which on a cold cache is one sign-in per client. Concurrent asks for the same scope
 * share one request, and its token serves until near expiry. A claims challenge (continuous
 * access evaluation) always goes to the credential.
 */
export function sharedTokens(credential: TokenCredential, now: () => number = Date.now): TokenCredential {
  const tokens = new Map<string, Promise<AccessToken | null>>();
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions) {
      if (options?.claims) return credential.getToken(scopes, options);
      const key = `${options?.tenantId ?? ""} ${[scopes].flat().sort().join(" ")}`;
      const cached = tokens.get(key);
      if (cached) {
        return cached.then((token) =>
          token && token.expiresOnTimestamp - now() > REFRESH_MARGIN_MS ? token : fetchToken(),
        );
      }
      return fetchToken();

      function fetchToken(): Promise<AccessToken | null> {
        const request = credential.getToken(scopes, options);
        tokens.set(key, request);
        // A failed sign-in is not kept: the next ask tries again.
        request.catch(() => tokens.delete(key));
        return request;
      }
    },
  };
}

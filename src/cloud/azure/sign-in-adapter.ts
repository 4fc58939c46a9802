import { decodeJwt } from "jose";
import type { AzureSettings } from "./settings.js";
import type { AzureSignInPort } from "./ports.js";
import { BridgeError, userError } from "../../errors.js";

/** Finds the tenant by signing in (the SDK is imported lazily, here only). */
export function createSignInPort(settings: AzureSettings): Promise<AzureSignInPort> {
  return Promise.resolve({
    async tenantId() {
      const credential = await settings.credential();
      let token: string;
      try {
        const result = await credential.getToken(`${settings.endpoints.armAudience}/.default`);
        if (!result) throw new Error("the credential returned no token");
        token = result.token;
      } catch (err) {
        const reason = await diagnoseSignIn(settings.endpoints.authorityHost, err);
        throw new BridgeError(`cannot sign in to Azure to find the tenant: ${reason}`, {
          code: "AZURE_SIGN_IN_FAILED",
          fault: "user",
          exitCode: 1,
          cause: err,
          hint: "sign in (`az login`, or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET), or set azure.tenantId in the config",
        });
      }
      const tid = decodeJwt(token).tid;
      if (typeof tid !== "string")
        throw userError("AZURE_NO_TENANT", "the Azure token carries no tid claim", "set azure.tenantId in the config");
      return tid;
    },
  });
}

/**
 * MSAL reports any network or TLS failure at the authority as a bare "endpoints_resolution_error".
 * Fetching the authority's metadata ourselves recovers the real cause (refused, certificate, proxy).
 */
async function diagnoseSignIn(authorityHost: string, err: unknown): Promise<string> {
  const first = err instanceof Error ? (err.message.split("\n")[0] ?? err.message) : String(err);
  if (!first.includes("endpoints_resolution_error")) return first;
  const url = `${authorityHost}/common/v2.0/.well-known/openid-configuration`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return `${first} (${url} answers HTTP ${response.status})`;
  } catch (probe) {
    const cause = (probe as { cause?: { code?: string; message?: string } }).cause;
    return `the sign-in host cannot be reached: ${url}: ${cause?.code ?? ""}${cause?.message ? ` ${cause.message}` : ""}`.trim();
  }
}

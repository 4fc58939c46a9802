import type { SandboxRequest, SandboxResponse } from "../harness/types.js";
import type { IssuedToken, TokenRequest, VirtualMachineInfo } from "../azure/index.js";
import { isKnownResource } from "../azure/index.js";
import { SANDBOX_TENANT_ID } from "../constants.js";
import { chooseIdentity, IDENTITY_NOT_FOUND, type VmIdentity } from "./imds-identity.js";

/**
 * One VM's instance metadata service, token endpoint only (what the token refresher and the Azure
 * SDKs call): `GET /metadata/identity/oauth2/token?api-version=…&resource=…[&client_id=…]` with
 * `Metadata: true`. Answers and errors as Azure's IMDS (test/fixtures and ../shared/reference:
 * entra/imds-*.json): every value of a token answer is a string; an unknown identity is 400
 * invalid_request "Identity not found", never 404 or 410, which clients retry.
 */

const TOKEN_PATH = "/metadata/identity/oauth2/token";
/** Managed-identity tokens live 24 h 5 min (exp − iat of a real one). */
const MI_TOKEN_LIFETIME_S = 86_700;
// A real answer's ext_expires_in, which stays put while expires_in counts down.
const EXT_EXPIRES_IN = "86399";
// IMDS hands out its cached token until it is this close to expiry ([invented] margin).
const CACHE_MARGIN_S = 300;
// IMDS api-versions that serve the identity endpoint (it arrived with 2018-02-01).
const API_VERSIONS = [
  "2018-02-01",
  "2018-04-02",
  "2018-10-01",
  "2019-02-01",
  "2019-03-11",
  "2019-04-30",
  "2019-06-01",
  "2019-06-04",
  "2019-08-01",
  "2019-08-15",
  "2019-11-01",
  "2020-06-01",
  "2020-07-15",
  "2020-09-01",
  "2020-10-01",
  "2020-12-01",
  "2021-01-01",
  "2021-02-01",
  "2021-03-01",
  "2021-05-01",
  "2021-08-01",
  "2021-10-01",
  "2021-11-01",
  "2021-11-15",
  "2021-12-13",
  "2023-07-01",
  "2023-11-15",
  "2024-03-15",
  "2025-04-07",
];
const HEADERS = { "Content-Type": "application/json; charset=utf-8", Server: "IMDS/150.870.65.1684" };
const OPERATION = "Imds_GetToken";

export interface ImdsDeps {
  /** The VM as ARM holds it now (identities attached since creation count), or undefined once gone. */
  vm(): VirtualMachineInfo | undefined;
  issue(request: TokenRequest): Promise<IssuedToken>;
  /** Epoch ms. */
  now(): number;
  /** The VM's token cache, per identity and resource. */
  readonly cache: Map<string, IssuedToken>;
}

export async function imdsResponse(req: SandboxRequest, deps: ImdsDeps): Promise<SandboxResponse> {
  if (req.path !== TOKEN_PATH) return reply(404, { error: "Not found" }, "Imds_NotFound");
  if (req.method !== "GET") {
    return reply(405, { error: "Method not allowed", error_description: "Only GET requests are supported" });
  }
  // Azure's SDKs probe for IMDS without the header: this 400 is what tells them it is there.
  if (header(req, "metadata")?.trim().toLowerCase() !== "true") {
    return reply(400, { error: "bad_request_102", error_description: "Required metadata header not specified" });
  }
  const apiVersion = req.query.get("api-version");
  if (!apiVersion || !API_VERSIONS.includes(apiVersion)) {
    const what = apiVersion ? "api-version is invalid" : "api-version was not specified in the request";
    return reply(400, {
      error: `Bad request. ${what}. For more information refer to aka.ms/azureimds`,
      "newest-versions": API_VERSIONS.slice(-3).reverse(),
    });
  }
  const resource = req.query.get("resource");
  if (!resource) {
    return reply(400, { error: "invalid_request", error_description: "Required audience parameter not specified" });
  }
  const vm = deps.vm();
  if (!vm) return reply(400, { error: "invalid_request", error_description: IDENTITY_NOT_FOUND });
  const choice = chooseIdentity(vm, req.query);
  if ("error" in choice) return reply(400, { error: "invalid_request", error_description: choice.error });
  if (!isKnownResource(resource)) {
    return reply(400, {
      error: "invalid_resource",
      // IMDS's own wording (reference: azure/entra/imds-errors.json), not the token endpoint's.
      error_description: `AADSTS50001: The application named ${resource} wasn't found in the tenant named ${SANDBOX_TENANT_ID}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    });
  }
  const token = await cachedToken(deps, choice.identity, resource);
  const nowS = Math.floor(deps.now() / 1000);
  return reply(200, {
    access_token: token.accessToken,
    client_id: choice.identity.clientId,
    expires_in: String(token.exp - nowS),
    expires_on: String(token.exp),
    ext_expires_in: EXT_EXPIRES_IN,
    not_before: String(token.nbf),
    resource,
    token_type: "Bearer",
  });
}

/** IMDS keeps one token per identity and resource and hands it out until it nears expiry. */
async function cachedToken(deps: ImdsDeps, identity: VmIdentity, resource: string): Promise<IssuedToken> {
  const key = `${identity.principalId}\n${resource}`;
  const cached = deps.cache.get(key);
  if (cached && cached.exp - deps.now() / 1000 > CACHE_MARGIN_S) return cached;
  const token = await deps.issue({
    sub: identity.principalId,
    oid: identity.principalId,
    appid: identity.clientId,
    aud: resource,
    appidacr: "2",
    lifetimeSeconds: MI_TOKEN_LIFETIME_S,
    extraClaims: {
      xms_mirid: identity.resourceId,
      ...(identity.vmResourceId ? { xms_az_rid: identity.vmResourceId } : {}),
    },
  });
  deps.cache.set(key, token);
  return token;
}

function reply(status: number, body: object, operation = OPERATION): SandboxResponse {
  return { status, operation, headers: { ...HEADERS }, body: JSON.stringify(body) };
}

function header(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

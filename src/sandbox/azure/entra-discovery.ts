import type { ServiceContext, SandboxResponse } from "../harness/types.js";
import { entraHeaders } from "./entra-errors.js";
import { entraUrl, issuerHostUrl, v2Issuer } from "./entra-urls.js";
import { publicJwk, publishedSigningKeys } from "./signing-keys.js";
import type { AzureState } from "./state.js";

/**
 * OpenID discovery documents and key sets, shaped field for field like Entra's (fixtures
 * openid-configuration.*.json and jwks.*.json), with the sandbox's own URLs. `tenant` is the sandbox
 * tenant id, or one of the multi-tenant aliases, for which Entra publishes the issuer as a
 * `{tenantid}` template. The documents are the same on the sign-in host and on the issuer host:
 * as sts.windows.net's does, the issuer host's document sends callers to the sign-in host for
 * everything but the issuer.
 */

const MULTI_TENANT = new Set(["common", "organizations", "consumers"]);

export function isMultiTenantAlias(tenant: string): boolean {
  return MULTI_TENANT.has(tenant.toLowerCase());
}

/** Entra's headers on discovery documents and key sets (recorded answers of login.microsoftonline.com). */
function cacheable(): Record<string, string> {
  // Cacheable for a day, so none of the no-cache headers of the token endpoint.
  const { Pragma: _pragma, Expires: _expires, ...common } = entraHeaders();
  return {
    ...common,
    "Cache-Control": "max-age=86400, private",
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
  };
}

const CLAIMS_V1 = [
  "sub",
  "iss",
  "cloud_instance_name",
  "cloud_instance_host_name",
  "cloud_graph_host_name",
  "msgraph_host",
  "aud",
  "exp",
  "iat",
  "auth_time",
  "acr",
  "amr",
  "nonce",
  "email",
  "given_name",
  "family_name",
  "nickname",
];
const CLAIMS_V2 = [
  "sub",
  "iss",
  "cloud_instance_name",
  "cloud_instance_host_name",
  "cloud_graph_host_name",
  "msgraph_host",
  "aud",
  "exp",
  "iat",
  "auth_time",
  "acr",
  "nonce",
  "preferred_username",
  "name",
  "tid",
  "ver",
  "at_hash",
  "c_hash",
  "email",
];
const CLOUD = {
  cloud_instance_name: "microsoftonline.com",
  cloud_graph_host_name: "graph.windows.net",
  msgraph_host: "graph.microsoft.com",
  rbac_url: "https://pas.windows.net",
};

export function openIdConfigurationV1(ctx: ServiceContext, tenant: string): SandboxResponse {
  const base = `${entraUrl(ctx)}/${tenant}`;
  const alias = isMultiTenantAlias(tenant);
  return {
    status: 200,
    operation: "OpenIdConfigurationV1",
    headers: cacheable(),
    body: {
      token_endpoint: `${base}/oauth2/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      // As Entra does: not tenant-specific.
      jwks_uri: `${entraUrl(ctx)}/common/discovery/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
      scopes_supported: ["openid"],
      issuer: `${issuerHostUrl(ctx)}/${alias ? "{tenantid}" : tenant}/`,
      microsoft_multi_refresh_token: true,
      authorization_endpoint: `${base}/oauth2/authorize`,
      device_authorization_endpoint: `${base}/oauth2/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/logout`,
      claims_supported: CLAIMS_V1,
      check_session_iframe: `${base}/oauth2/checksession`,
      userinfo_endpoint: `${base}/openid/userinfo`,
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: alias ? null : "NA",
      ...CLOUD,
    },
  };
}

export function openIdConfigurationV2(ctx: ServiceContext, tenant: string): SandboxResponse {
  const base = `${entraUrl(ctx)}/${tenant}`;
  const alias = isMultiTenantAlias(tenant);
  return {
    status: 200,
    operation: "OpenIdConfigurationV2",
    headers: cacheable(),
    body: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      // Unlike v1, on the authority host itself and tenant-specific (recorded v2 documents).
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: v2Issuer(ctx, alias ? "{tenantid}" : tenant),
      request_uri_parameter_supported: false,
      userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: CLAIMS_V2,
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: alias ? null : "NA",
      ...CLOUD,
    },
  };
}

/**
 * The key set. v1 keys carry no `issuer`; v2 keys carry the v2 issuer (a `{tenantid}` template on
 * the common path), as in Entra's real answers.
 */
export function keySet(ctx: ServiceContext, state: AzureState, tenant: string, version: 1 | 2): SandboxResponse {
  const issuer = version === 2 ? v2Issuer(ctx, isMultiTenantAlias(tenant) ? "{tenantid}" : tenant) : undefined;
  const keys = publishedSigningKeys(state, ctx.now()).map((key) => publicJwk(key, issuer));
  return {
    status: 200,
    operation: version === 2 ? "DiscoveryKeysV2" : "DiscoveryKeys",
    headers: cacheable(),
    body: { keys },
  };
}

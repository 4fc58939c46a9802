import type { SandboxRequest, SandboxResponse, ServiceContext } from "../harness/types.js";
import { SANDBOX_TENANT_ID } from "../constants.js";
import { isMultiTenantAlias, keySet, openIdConfigurationV1, openIdConfigurationV2 } from "./entra-discovery.js";
import { entraError, tenantNotFound } from "./entra-errors.js";
import { handleTokenRequest } from "./entra-token.js";
import { entraUrl, ISSUER_LISTENER } from "./entra-urls.js";
import type { AzureState } from "./state.js";

/**
 * Routes of the "entra" listener (the sign-in host: token endpoint, discovery, key sets) and the
 * "entra-sts" listener (the v1 issuer host: discovery documents only). Paths are matched
 * case-insensitively, as Entra does.
 */
export async function handleEntra(
  req: SandboxRequest,
  ctx: ServiceContext,
  state: AzureState,
): Promise<SandboxResponse> {
  const segments = req.path
    .split("/")
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
  const [tenant, ...rest] = segments;
  const tail = rest.join("/").toLowerCase();
  if (!tenant) return notFound();

  const route = ENTRA_ROUTES[tail];
  if (!route || (req.listener === ISSUER_LISTENER && !route.onIssuerHost)) return notFound();
  if (route.kind !== "token" && req.method !== "GET" && req.method !== "HEAD") return notFound();

  const known = tenant.toLowerCase() === SANDBOX_TENANT_ID;
  if (!known && !(isMultiTenantAlias(tenant) && route.kind !== "token")) {
    return tenantNotFound(
      tenant,
      route.operation,
      entraUrl(ctx),
      ctx.now(),
      route.kind === "token" ? "invalid_request" : "invalid_tenant",
    );
  }
  // Entra answers with the canonical tenant id whatever casing was asked for.
  const canonical = known ? SANDBOX_TENANT_ID : tenant.toLowerCase();
  switch (route.kind) {
    case "v1":
      return openIdConfigurationV1(ctx, canonical);
    case "v2":
      return openIdConfigurationV2(ctx, canonical);
    case "keys1":
      return keySet(ctx, state, canonical, 1);
    case "keys2":
      return keySet(ctx, state, canonical, 2);
    case "token":
      return handleTokenRequest(req, ctx, state, route.version);
  }
}

type EntraRoute =
  | { kind: "v1" | "v2" | "keys1" | "keys2"; operation: string; onIssuerHost: boolean }
  | { kind: "token"; version: 1 | 2; operation: string; onIssuerHost: false };

const ENTRA_ROUTES: Readonly<Record<string, EntraRoute>> = {
  ".well-known/openid-configuration": { kind: "v1", operation: "OpenIdConfigurationV1", onIssuerHost: true },
  "v2.0/.well-known/openid-configuration": { kind: "v2", operation: "OpenIdConfigurationV2", onIssuerHost: true },
  "discovery/keys": { kind: "keys1", operation: "DiscoveryKeys", onIssuerHost: false },
  "discovery/v2.0/keys": { kind: "keys2", operation: "DiscoveryKeysV2", onIssuerHost: false },
  "oauth2/token": { kind: "token", version: 1, operation: "TokenV1", onIssuerHost: false },
  "oauth2/v2.0/token": { kind: "token", version: 2, operation: "Token", onIssuerHost: false },
};

function notFound(): SandboxResponse {
  return {
    status: 404,
    operation: "NotFound",
    headers: { "Content-Type": "text/html; charset=utf-8" },
    body: "<!DOCTYPE html><html><head><title>Not Found</title></head><body>The resource cannot be found.</body></html>",
  };
}

/** Entra's answer to an injected fault (throttling or an outage), in its OAuth error shape. */
export function entraFault(ctx: ServiceContext, status: 429 | 500 | 503): SandboxResponse {
  const throttled = status === 429;
  return entraError({
    status,
    error: "temporarily_unavailable",
    aadsts: throttled ? 90055 : 90033,
    message: throttled
      ? "TenantThrottlingError: There are too many incoming requests. This exception is thrown for blocked tenants."
      : "A transient error has occurred. Please try again.",
    operation: "Fault",
    entraBase: entraUrl(ctx),
    nowMs: ctx.now(),
  });
}

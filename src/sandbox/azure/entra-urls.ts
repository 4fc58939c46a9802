import type { ServiceContext } from "../harness/types.js";
import { SANDBOX_TENANT_ID } from "../constants.js";

/**
 * Where the sandbox's Entra lives, laid out as the real one: the "entra" listener plays the sign-in
 * host login.microsoftonline.com (token endpoint, discovery documents, key sets), "entra-sts" plays
 * sts.windows.net, the host in the v1 issuer URL, which serves the discovery document too. They
 * listen on different ports with different certificate chains, so the two hosts an OIDC trust must
 * pin (issuer and key set) present different top certificates, as Azure's do.
 */
export const ENTRA_LISTENER = "entra";
export const ISSUER_LISTENER = "entra-sts";

export function entraUrl(ctx: ServiceContext): string {
  return endpoint(ctx, ENTRA_LISTENER);
}

export function issuerHostUrl(ctx: ServiceContext): string {
  return endpoint(ctx, ISSUER_LISTENER);
}

export function armUrl(ctx: ServiceContext): string {
  return endpoint(ctx, "arm");
}

/** v1 issuer, trailing slash included, mirroring `https://sts.windows.net/<tenant>/`. */
export function v1Issuer(ctx: ServiceContext, tenant: string = SANDBOX_TENANT_ID): string {
  return `${issuerHostUrl(ctx)}/${tenant}/`;
}

/** v2 issuer, mirroring `https://login.microsoftonline.com/<tenant>/v2.0`. */
export function v2Issuer(ctx: ServiceContext, tenant: string = SANDBOX_TENANT_ID): string {
  return `${entraUrl(ctx)}/${tenant}/v2.0`;
}

function endpoint(ctx: ServiceContext, name: string): string {
  const url = ctx.endpoints[name];
  if (!url) throw new Error(`the sandbox has no "${name}" listener`);
  return url;
}

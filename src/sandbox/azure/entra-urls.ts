import type { ServiceContext } from "../harness/types.js";
import { SANDBOX_TENANT_ID } from "../constants.js";

/**
 * Where the sandbox's Entra lives. The "entra" listener plays login.microsoftonline.com (authority,
 * token endpoint) and sts.windows.net (the v1 issuer); "entra-keys" plays login.windows.net, the
 * other host serving the key set, on another port with another certificate chain.
 */
export function entraUrl(ctx: ServiceContext): string {
  return endpoint(ctx, "entra");
}

export function entraKeysUrl(ctx: ServiceContext): string {
  return endpoint(ctx, "entra-keys");
}

export function armUrl(ctx: ServiceContext): string {
  return endpoint(ctx, "arm");
}

/** v1 issuer, trailing slash included, mirroring `https://sts.windows.net/<tenant>/`. */
export function v1Issuer(ctx: ServiceContext, tenant: string = SANDBOX_TENANT_ID): string {
  return `${entraUrl(ctx)}/${tenant}/`;
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

import { randomBytes } from "node:crypto";
import type { SandboxRequest, SandboxResponse, SandboxService, ServiceContext } from "../harness/types.js";
import { SANDBOX_CLIENT_ID, SANDBOX_ENV, SANDBOX_SUBSCRIPTION_ID } from "../constants.js";
import { armErrors } from "./arm-errors.js";
import { operationResultsRoute, settleOperations } from "./arm-lro.js";
import { createArmRouter, type ArmRouter } from "./arm-router.js";
import type { ArmModule } from "./arm-types.js";
import { entraFault, handleEntra } from "./entra-router.js";
import { createIdentitiesModule } from "./identities.js";
import { createResourceGroupsModule } from "./resource-groups.js";
import { generateSigningKey, rotateSigningKeysInState, type RotationResult } from "./signing-keys.js";
import { azureState } from "./state.js";
import { issueToken, type IssuedToken, type TokenRequest } from "./token-issuer.js";

/**
 * The Azure cloud of the sandbox: Entra (discovery, keys, token endpoint) and ARM (resource groups,
 * user-assigned identities), sharing one state document so ARM can check Entra's signatures and a
 * deleted resource group takes its identities with it.
 */

/** Object id of the sandbox service principal: fixed, like its client id, so tokens and docs agree across runs. */
export const SANDBOX_SP_OBJECT_ID = "6c1d9e4b-2f7a-4d83-b5e0-7a9c3f1e2d48";

/** Real-world durations (ms) used by the realistic profile (FACTS.md: resource group 1–2 s, identity 1–3 s). */
export const AZURE_LATENCY_MS: Readonly<Record<string, number>> = {
  OpenIdConfigurationV1: 80,
  OpenIdConfigurationV2: 80,
  DiscoveryKeys: 60,
  DiscoveryKeysV2: 60,
  Token: 250,
  TokenV1: 250,
  ResourceGroups_CreateOrUpdate: 1500,
  ResourceGroups_Get: 120,
  ResourceGroups_Update: 1000,
  ResourceGroups_List: 200,
  // How long the deletion runs after the 202 (an empty group; the poller waits it out).
  ResourceGroups_Delete: 10_000,
  UserAssignedIdentities_CreateOrUpdate: 2000,
  UserAssignedIdentities_Get: 120,
  UserAssignedIdentities_Update: 800,
  UserAssignedIdentities_Delete: 1500,
};

export interface AzureSandboxService extends SandboxService {
  /** New signing key for new tokens; the previous one stays in the JWKS for a while. */
  rotateSigningKeys(): Promise<RotationResult>;
  /** Mints a v1 access token signed by the current key (IMDS and tests). */
  issueToken(request: TokenRequest): Promise<IssuedToken>;
}

export function createAzureService(): AzureSandboxService {
  let started: ServiceContext | undefined;
  let router: ArmRouter | undefined;
  const resourceModules: ArmModule[] = [createIdentitiesModule()];
  const modules: ArmModule[] = [
    createResourceGroupsModule(() => resourceModules),
    ...resourceModules,
    { routes: [operationResultsRoute] },
  ];

  const context = (): ServiceContext => {
    if (!started) throw new Error("the Azure sandbox service has not been started");
    return started;
  };

  return {
    name: "azure",
    listeners: [
      { name: "entra", tls: true, chain: "a" },
      { name: "entra-keys", tls: true, chain: "b" },
      { name: "arm", tls: true, chain: "a" },
    ],
    latencyMs: AZURE_LATENCY_MS,

    async start(ctx) {
      started = ctx;
      router = createArmRouter(modules, expectedDuration(ctx));
      const state = azureState(ctx);
      state.servicePrincipal ??= {
        clientId: SANDBOX_CLIENT_ID,
        objectId: SANDBOX_SP_OBJECT_ID,
        clientSecret: newClientSecret(),
      };
      if (!state.signingKeys.some((k) => !k.retiredAt)) state.signingKeys.push(await generateSigningKey(ctx.now()));
      // Whatever was still running when the sandbox last stopped has finished since, as in Azure.
      settleOperations(state, modules, ctx.now(), true);
      await ctx.save();
    },

    async handle(req: SandboxRequest, ctx: ServiceContext): Promise<SandboxResponse> {
      if (!started || !router) await this.start?.(ctx);
      const state = azureState(ctx);
      if (req.listener === "arm") return router!.handle(req, ctx, state);
      if (req.listener === "entra" || req.listener === "entra-keys") {
        const res = await handleEntra(req, ctx, state);
        if (res.status === 200) await ctx.latency(res.operation);
        return res;
      }
      return { status: 404, operation: "NotFound", body: "not an Azure sandbox listener\n" };
    },

    faultResponse(listener, status, retryAfterSeconds) {
      const ctx = context();
      if (listener === "arm") {
        const sub = SANDBOX_SUBSCRIPTION_ID;
        if (status === 429) return armErrors.throttled("Fault", sub, "read", retryAfterSeconds);
        return status === 500 ? armErrors.internal("Fault", sub, ctx.now()) : armErrors.unavailable("Fault");
      }
      return entraFault(ctx, status);
    },

    async rotateSigningKeys() {
      return rotateSigningKeys(context());
    },

    async issueToken(request) {
      const ctx = context();
      return issueToken(ctx, azureState(ctx), request);
    },
  };
}

/** Rotates the sandbox Entra's signing key and saves; see AzureSandboxService.rotateSigningKeys. */
export async function rotateSigningKeys(ctx: ServiceContext): Promise<RotationResult> {
  const result = await rotateSigningKeysInState(azureState(ctx), ctx.now());
  await ctx.save();
  return result;
}

/**
 * How long an operation runs in the current profile, for operations that finish by the clock
 * (long-running operations) rather than by `ctx.latency`'s wait.
 */
function expectedDuration(ctx: ServiceContext): (operation: string) => number {
  const realistic = ctx.env[SANDBOX_ENV.profile]?.trim() === "realistic";
  const scale = Number(ctx.env[SANDBOX_ENV.latencyScale]?.trim() || "1");
  return (operation) => (realistic ? (AZURE_LATENCY_MS[operation] ?? 0) * (Number.isFinite(scale) ? scale : 1) : 0);
}

/** Entra client secrets look like `abC8Q~` followed by 34 characters of [A-Za-z0-9~._-]. */
function newClientSecret(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-";
  const pick = (n: number, set: string): string => [...randomBytes(n)].map((b) => set[b % set.length]).join("");
  return `${pick(3, alphabet.slice(0, 62))}${pick(1, "0123456789")}Q~${pick(34, alphabet)}`;
}

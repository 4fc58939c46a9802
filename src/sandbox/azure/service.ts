import { randomBytes } from "node:crypto";
import type { SandboxRequest, SandboxResponse, SandboxService, ServiceContext } from "../harness/types.js";
import { SANDBOX_CLIENT_ID, SANDBOX_SUBSCRIPTION_ID } from "../constants.js";
import { armErrors } from "./arm-errors.js";
import { operationRoutes, settleOperations } from "./arm-lro.js";
import { createArmRouter, withArmHeaders, type ArmRouter } from "./arm-router.js";
import { ResourceRegistry } from "./arm-tracked.js";
import type { ArmModule } from "./arm-types.js";
import { AZURE_LATENCY_MS, lroDuration } from "./durations.js";
import { entraFault, handleEntra } from "./entra-router.js";
import { ENTRA_LISTENER, ISSUER_LISTENER } from "./entra-urls.js";
import { identitiesTable } from "./identities.js";
import { sshPublicKeysTable } from "./compute-ssh-keys.js";
import {
  createVirtualMachinesTable,
  instanceViewRoute,
  listVirtualMachines,
  nicChanged,
  type VirtualMachineEvent,
  type VirtualMachineInfo,
} from "./compute-vms.js";
import { networkInterfacesTable } from "./network-nics.js";
import { networkSecurityGroupsTable } from "./network-nsgs.js";
import { publicIpsTable } from "./network-public-ips.js";
import { subnetsTable, virtualNetworksTable } from "./network-vnets.js";
import { resourceGroupsTable, resourcesInGroupRoute } from "./resource-groups.js";
import { ensureSigningKeys, rotateSigningKeysInState, type RotationResult } from "./signing-keys.js";
import { azureState } from "./state.js";
import { issueToken, type IssuedToken, type TokenRequest } from "./token-issuer.js";

/**
 * The Azure cloud of the sandbox: Entra (discovery, keys, token endpoint) and ARM (resource groups,
 * user-assigned identities, networks, SSH keys, VMs), sharing one state document so ARM can check
 * Entra's signatures and a deleted resource group takes its resources with it. SPEC.md says what
 * each operation does and where the behaviour comes from.
 */

/** Object id of the sandbox service principal: fixed, like its client id, so tokens and docs agree across runs. */
export const SANDBOX_SP_OBJECT_ID = "6c1d9e4b-2f7a-4d83-b5e0-7a9c3f1e2d48";

export interface AzureSandboxService extends SandboxService {
  /** New signing key for new tokens; the previous one stays in the JWKS for a while. */
  rotateSigningKeys(): Promise<RotationResult>;
  /** Mints a v1 access token signed by the current key (IMDS and tests). */
  issueToken(request: TokenRequest): Promise<IssuedToken>;
  /**
   * Follows VMs: "created" once a VM's PUT has finished, "updated" after later PUTs, "deleted" when
   * it is gone. Returns the function that stops listening. Listeners run inside request handling:
   * they must return at once (start their own work without awaiting it) and must not throw.
   */
  onVirtualMachine(listener: (event: VirtualMachineEvent) => void): () => void;
  /** The VMs that exist now (creation finished), for listeners that start after the sandbox. */
  virtualMachines(): VirtualMachineInfo[];
  /** As the harness asks for it; given the request, ARM's fault echoes its correlation id. */
  faultResponse(
    listener: string,
    status: 429 | 500 | 503,
    retryAfterSeconds: number,
    req?: Pick<SandboxRequest, "headers">,
  ): SandboxResponse;
}

export function createAzureService(): AzureSandboxService {
  let started: ServiceContext | undefined;
  let router: ArmRouter | undefined;
  const vmListeners = new Set<(event: VirtualMachineEvent) => void>();
  const emit = (event: VirtualMachineEvent): void => {
    for (const listener of vmListeners) listener(event);
  };
  const registry = new ResourceRegistry([
    resourceGroupsTable,
    identitiesTable,
    virtualNetworksTable,
    subnetsTable,
    publicIpsTable,
    networkSecurityGroupsTable,
    { ...networkInterfacesTable, provisioned: (nic, state) => nicChanged(state, nic, emit) },
    sshPublicKeysTable,
    createVirtualMachinesTable(emit),
  ]);
  const modules: ArmModule[] = [
    registry.module(),
    { routes: [resourcesInGroupRoute(registry), instanceViewRoute(), ...operationRoutes] },
  ];

  const context = (): ServiceContext => {
    if (!started) throw new Error("the Azure sandbox service has not been started");
    return started;
  };

  return {
    name: "azure",
    // The issuer host and the key host (the sign-in host) on different chains, as in Azure.
    listeners: [
      { name: ENTRA_LISTENER, tls: true, chain: "b" },
      { name: ISSUER_LISTENER, tls: true, chain: "a" },
      { name: "arm", tls: true, chain: "a" },
    ],
    latencyMs: AZURE_LATENCY_MS,

    async start(ctx) {
      started = ctx;
      router = createArmRouter(modules, lroDuration(ctx));
      const state = azureState(ctx);
      state.servicePrincipal ??= {
        clientId: SANDBOX_CLIENT_ID,
        objectId: SANDBOX_SP_OBJECT_ID,
        clientSecret: newClientSecret(),
      };
      await ensureSigningKeys(state, ctx.now());
      // Whatever was still running when the sandbox last stopped has finished since, as in Azure.
      settleOperations(state, modules, ctx.now(), true);
      await ctx.save();
    },

    async handle(req: SandboxRequest, ctx: ServiceContext): Promise<SandboxResponse> {
      if (!started || !router) await this.start?.(ctx);
      const state = azureState(ctx);
      if (req.listener === "arm") return router!.handle(req, ctx, state);
      if (req.listener === ENTRA_LISTENER || req.listener === ISSUER_LISTENER) {
        const res = await handleEntra(req, ctx, state);
        if (res.status === 200) await ctx.latency(res.operation);
        return res;
      }
      return { status: 404, operation: "NotFound", body: "not an Azure sandbox listener\n" };
    },

    /**
     * An injected throttle or outage in the service's own shape. ARM's carry its standard headers;
     * ARM itself answers them, so x-ms-request-id is the correlation id (the caller's, when the
     * request is given).
     */
    faultResponse(listener, status, retryAfterSeconds, req) {
      const ctx = context();
      if (listener === "arm") {
        const sub = SANDBOX_SUBSCRIPTION_ID;
        const fault =
          status === 429
            ? armErrors.throttled("Fault", sub, "read", retryAfterSeconds)
            : status === 500
              ? armErrors.internal("Fault", sub, ctx.now())
              : armErrors.unavailable("Fault");
        return withArmHeaders(fault, req ?? { headers: {} }, ctx.now());
      }
      return entraFault(ctx, status);
    },

    onVirtualMachine(listener) {
      vmListeners.add(listener);
      return () => vmListeners.delete(listener);
    },

    virtualMachines() {
      return listVirtualMachines(azureState(context()));
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

/** Entra client secrets look like `abC8Q~` followed by 34 characters of [A-Za-z0-9~._-]. */
function newClientSecret(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-";
  const pick = (n: number, set: string): string => [...randomBytes(n)].map((b) => set[b % set.length]).join("");
  return `${pick(3, alphabet.slice(0, 62))}${pick(1, "0123456789")}Q~${pick(34, alphabet)}`;
}

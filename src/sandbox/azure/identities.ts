import { randomUUID } from "node:crypto";
import type { SandboxResponse } from "../harness/types.js";
import { SANDBOX_TENANT_ID } from "../constants.js";
import { jsonBody, parseTags } from "./arm-body.js";
import { armError, armErrors, normaliseLocation, SUPPORTED_LOCATIONS } from "./arm-errors.js";
import type { ArmEnv, ArmModule, ArmRequest } from "./arm-types.js";
import type { AzureState, IdentityState } from "./state.js";

/**
 * Microsoft.ManagedIdentity/userAssignedIdentities (examples/identity-*.json): all synchronous.
 * A new identity gets a fresh principal (object) id and client id that never change afterwards;
 * ids in answers use lower-case `resourcegroups`, as the MSI provider writes them.
 */

export const MSI_API_VERSIONS: readonly string[] = [
  "2024-11-30",
  "2023-07-31-preview",
  "2023-01-31",
  "2022-01-31-preview",
  "2021-09-30-preview",
  "2018-11-30",
  "2015-08-31-preview",
];
const NAMESPACE = "Microsoft.ManagedIdentity";
const TYPE = "userAssignedIdentities";
const FULL_TYPE = `${NAMESPACE}/${TYPE}`;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/;

export function identityId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/${FULL_TYPE}/${name}`;
}

export function createIdentitiesModule(): ArmModule {
  const common = {
    apiVersions: MSI_API_VERSIONS,
    versionError: "provider",
    resourceType: TYPE,
    inResourceGroup: true,
  } as const;
  return {
    namespaces: [NAMESPACE],
    routes: [
      {
        ...common,
        pattern: `subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/${FULL_TYPE}/{resourceName}`,
        operations: {
          PUT: { name: "UserAssignedIdentities_CreateOrUpdate", handler: createOrUpdate },
          GET: { name: "UserAssignedIdentities_Get", handler: get },
          PATCH: { name: "UserAssignedIdentities_Update", handler: update },
          DELETE: { name: "UserAssignedIdentities_Delete", handler: remove },
        },
      },
      {
        ...common,
        pattern: `subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/${FULL_TYPE}`,
        operations: { GET: { name: "UserAssignedIdentities_ListByResourceGroup", handler: listByResourceGroup } },
      },
      {
        ...common,
        inResourceGroup: false,
        pattern: `subscriptions/{subscriptionId}/providers/${FULL_TYPE}`,
        operations: { GET: { name: "UserAssignedIdentities_ListBySubscription", handler: listBySubscription } },
      },
    ],
    deleteInResourceGroup(state, resourceGroupKey) {
      for (const [key, identity] of Object.entries(state.identities)) {
        if (identity.resourceGroup.toLowerCase() === resourceGroupKey) delete state.identities[key];
      }
    },
  };
}

/** Finds an identity by ARM id, whatever its casing (for IMDS and VMs later). */
export function findIdentity(state: AzureState, id: string): IdentityState | undefined {
  return state.identities[id.toLowerCase()];
}

function view(identity: IdentityState): object {
  return {
    name: identity.name,
    type: FULL_TYPE,
    id: identity.id,
    location: identity.location,
    ...(identity.tags ? { tags: identity.tags } : {}),
    properties: {
      clientId: identity.clientId,
      isolationScope: identity.isolationScope ?? "None",
      principalId: identity.principalId,
      tenantId: identity.tenantId,
    },
  };
}

function target(req: ArmRequest): { sub: string; rg: string; name: string; key: string } {
  const sub = req.params.subscriptionId ?? "";
  const rg = req.params.resourceGroupName ?? "";
  const name = req.params.resourceName ?? "";
  return { sub, rg, name, key: identityId(sub, rg, name).toLowerCase() };
}

async function createOrUpdate(req: ArmRequest, env: ArmEnv): Promise<SandboxResponse> {
  const { sub, rg, name, key } = target(req);
  if (!NAME.test(name)) {
    return armError(
      400,
      "InvalidResourceName",
      `The resource name '${name}' is invalid. It must begin with a letter or a number, be between 3 and 128 ` +
        "characters long, and contain only letters, numbers, hyphens and underscores.",
      req.operation,
    );
  }
  const body = jsonBody(req);
  if (!body.ok) return body.response;
  const rawLocation = body.value.location;
  if (typeof rawLocation !== "string" || rawLocation.trim() === "") return armErrors.locationRequired(req.operation);
  const location = normaliseLocation(rawLocation);
  if (!location) {
    return armError(
      400,
      "LocationNotAvailableForResourceType",
      `The provided location '${rawLocation}' is not available for resource type '${FULL_TYPE}'. List of available ` +
        `regions for the resource type is '${SUPPORTED_LOCATIONS.join(",")}'.`,
      req.operation,
    );
  }
  const tags = parseTags(body.value.tags, req.operation);
  if (!tags.ok) return tags.response;
  const isolationScope = readIsolationScope(body.value.properties);
  if (isolationScope === false) {
    return armErrors.invalidRequestContent(req.operation, "properties.isolationScope must be 'None' or 'Regional'.");
  }

  // Wait first, then read and write with no await in between, so two PUTs racing on one name
  // cannot both create it (and hand out two different principals).
  await env.ctx.latency(req.operation);
  const existing = env.state.identities[key];
  if (existing && existing.location !== location) {
    // ARM's front door answers this one, with 409 Conflict ("unexpected status 409 (409 Conflict)
    // with error: InvalidResourceLocation" in real reports), not 400.
    return armError(
      409,
      "InvalidResourceLocation",
      `The resource '${name}' already exists in location '${existing.location}' in resource group '${rg}'. A resource ` +
        `with the same name cannot be created in location '${location}'. Please select a new resource name.`,
      req.operation,
    );
  }
  const scope = isolationScope ?? existing?.isolationScope;
  const identity: IdentityState = {
    id: existing?.id ?? identityId(sub, rg, name),
    name: existing?.name ?? name,
    resourceGroup: existing?.resourceGroup ?? rg,
    location,
    ...(tags.value ? { tags: tags.value } : {}),
    // The principal and the app behind an identity live as long as the identity.
    principalId: existing?.principalId ?? randomUUID(),
    clientId: existing?.clientId ?? randomUUID(),
    tenantId: SANDBOX_TENANT_ID,
    ...(scope ? { isolationScope: scope } : {}),
    createdAt: existing?.createdAt ?? new Date(env.ctx.now()).toISOString(),
  };
  env.state.identities[key] = identity;
  await env.ctx.save();
  return { status: existing ? 200 : 201, operation: req.operation, write: true, body: view(identity) };
}

/** undefined when absent, false when invalid. */
function readIsolationScope(properties: unknown): "None" | "Regional" | undefined | false {
  if (properties === undefined || properties === null) return undefined;
  if (typeof properties !== "object") return false;
  const scope = (properties as { isolationScope?: unknown }).isolationScope;
  if (scope === undefined || scope === null) return undefined;
  return scope === "None" || scope === "Regional" ? scope : false;
}

function notFound(req: ArmRequest): SandboxResponse {
  const { rg, name } = target(req);
  return armErrors.resourceNotFound(req.operation, `${FULL_TYPE}/${name}`, rg);
}

async function get(req: ArmRequest, env: ArmEnv): Promise<SandboxResponse> {
  const identity = env.state.identities[target(req).key];
  if (!identity) return notFound(req);
  await env.ctx.latency(req.operation);
  return { status: 200, operation: req.operation, body: view(identity) };
}

async function update(req: ArmRequest, env: ArmEnv): Promise<SandboxResponse> {
  await env.ctx.latency(req.operation);
  const identity = env.state.identities[target(req).key];
  if (!identity) return notFound(req);
  const body = jsonBody(req);
  if (!body.ok) return body.response;
  const tags = parseTags(body.value.tags, req.operation);
  if (!tags.ok) return tags.response;
  if (tags.value) identity.tags = tags.value;
  await env.ctx.save();
  return { status: 200, operation: req.operation, write: true, body: view(identity) };
}

async function remove(req: ArmRequest, env: ArmEnv): Promise<SandboxResponse> {
  const { key } = target(req);
  await env.ctx.latency(req.operation);
  // Deleting what is not there is a success with nothing to say: 204, as ARM's RPC asks.
  if (!env.state.identities[key]) return { status: 204, operation: req.operation };
  delete env.state.identities[key];
  await env.ctx.save();
  return { status: 200, operation: req.operation, write: true };
}

function listByResourceGroup(req: ArmRequest, env: ArmEnv): Promise<SandboxResponse> {
  const rg = (req.params.resourceGroupName ?? "").toLowerCase();
  const value = Object.values(env.state.identities)
    .filter((i) => i.resourceGroup.toLowerCase() === rg)
    .map(view);
  return Promise.resolve({ status: 200, operation: req.operation, body: { value } });
}

function listBySubscription(req: ArmRequest, env: ArmEnv): Promise<SandboxResponse> {
  return Promise.resolve({
    status: 200,
    operation: req.operation,
    body: { value: Object.values(env.state.identities).map(view) },
  });
}

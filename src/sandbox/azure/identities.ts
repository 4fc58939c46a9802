import { randomUUID } from "node:crypto";
import { SANDBOX_TENANT_ID } from "../constants.js";
import { fail, ok } from "./arm-body.js";
import { armError, armErrors } from "./arm-errors.js";
import { resourceTable } from "./arm-tracked.js";
import type { ArmResourceState, AzureState } from "./state.js";

/**
 * Microsoft.ManagedIdentity/userAssignedIdentities (fixtures identity-*.json): all synchronous.
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
export const IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/;

interface IdentityData {
  principalId: string;
  clientId: string;
  tenantId: string;
  isolationScope?: "None" | "Regional";
}

/** What other parts of the sandbox (VMs, IMDS) need to know of an identity. */
export interface IdentityInfo {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly principalId: string;
  readonly clientId: string;
  readonly tenantId: string;
}

export function identityId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/${IDENTITY_TYPE}/${name}`;
}

/** Finds an identity by ARM id, whatever its casing. */
export function findIdentity(state: AzureState, id: string): IdentityInfo | undefined {
  const resource = state.resources[id.toLowerCase()];
  if (resource?.type !== IDENTITY_TYPE) return undefined;
  const { data } = resource as ArmResourceState<IdentityData>;
  return {
    id: resource.id,
    name: resource.name,
    resourceGroup: resource.resourceGroup,
    location: resource.location ?? "",
    principalId: data.principalId,
    clientId: data.clientId,
    tenantId: data.tenantId,
  };
}

export const identitiesTable = resourceTable<IdentityData, { isolationScope?: "None" | "Regional" }>({
  type: IDENTITY_TYPE,
  apiVersions: MSI_API_VERSIONS,
  versionError: "provider",
  scope: "resourceGroup",
  groupSegment: "resourcegroups",
  operations: {
    put: "UserAssignedIdentities_CreateOrUpdate",
    get: "UserAssignedIdentities_Get",
    patch: "UserAssignedIdentities_Update",
    delete: "UserAssignedIdentities_Delete",
    listByParent: "UserAssignedIdentities_ListByResourceGroup",
    listBySubscription: "UserAssignedIdentities_ListBySubscription",
  },
  lro: { put: "sync", delete: "sync" },
  tracked: true,

  checkName: (name, req) =>
    NAME.test(name)
      ? null
      : armError(
          400,
          "InvalidResourceName",
          `The resource name '${name}' is invalid. It must begin with a letter or a number, be between 3 and 128 ` +
            "characters long, and contain only letters, numbers, hyphens and underscores.",
          req.operation,
        ),
  parse: (_name, body, req) => {
    const scope = readIsolationScope(body.properties);
    if (scope === false) {
      return fail(
        armErrors.invalidRequestContent(req.operation, "properties.isolationScope must be 'None' or 'Regional'."),
      );
    }
    return ok(scope ? { isolationScope: scope } : {});
  },
  build: (input, { existing }) => {
    const scope = input.isolationScope ?? existing?.data.isolationScope;
    return ok({
      // The principal and the app behind an identity live as long as the identity.
      principalId: existing?.data.principalId ?? randomUUID(),
      clientId: existing?.data.clientId ?? randomUUID(),
      tenantId: SANDBOX_TENANT_ID,
      ...(scope ? { isolationScope: scope } : {}),
    });
  },
  view: (identity) => ({
    name: identity.name,
    type: IDENTITY_TYPE,
    id: identity.id,
    location: identity.location,
    ...(identity.tags ? { tags: identity.tags } : {}),
    properties: {
      clientId: identity.data.clientId,
      isolationScope: identity.data.isolationScope ?? "None",
      principalId: identity.data.principalId,
      tenantId: identity.data.tenantId,
    },
  }),
});

/** undefined when absent, false when invalid. */
function readIsolationScope(properties: unknown): "None" | "Regional" | undefined | false {
  if (properties === undefined || properties === null) return undefined;
  if (typeof properties !== "object") return false;
  const scope = (properties as { isolationScope?: unknown }).isolationScope;
  if (scope === undefined || scope === null) return undefined;
  return scope === "None" || scope === "Regional" ? scope : false;
}

import type { SandboxResponse } from "../harness/types.js";
import { ok, parseTags, type Parsed } from "./arm-body.js";
import { armError, armErrors, SUPPORTED_LOCATIONS } from "./arm-errors.js";
import { resourceTable, type ResourceRegistry } from "./arm-tracked.js";
import type { ArmHandler, ArmRequest, ArmRoute } from "./arm-types.js";
import type { ArmResourceState, AzureState } from "./state.js";

/**
 * Microsoft.Resources/resourceGroups as ARM serves it (fixtures rg-*.json): PUT and GET are
 * synchronous, DELETE is a long-running operation polled through `Location`, and deleting a group
 * deletes everything in it. ARM answers these itself, so its errors are ARM's own codes.
 */

// Newest first, as ARM lists them in InvalidApiVersionParameter.
export const RESOURCES_API_VERSIONS: readonly string[] = [
  "2025-04-01",
  "2025-03-01",
  "2024-11-01",
  "2024-07-01",
  "2024-03-01",
  "2023-07-01",
  "2022-09-01",
  "2021-04-01",
  "2021-01-01",
  "2020-10-01",
  "2020-06-01",
  "2019-10-01",
  "2019-08-01",
  "2019-05-10",
  "2019-05-01",
  "2018-05-01",
];
export const RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups";
const MAX_NAME = 90;
// Letters and digits of any script, '-', '_', '.', '(' and ')'.
const NAME_CHAR = /[\p{L}\p{N}\p{Mn}\p{Pc}\-.()]/u;

interface GroupData {
  managedBy?: string;
}

export function resourceGroupId(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${name}`;
}

export function findResourceGroup(
  state: AzureState,
  subscriptionId: string,
  name: string,
): ArmResourceState | undefined {
  return state.resources[resourceGroupId(subscriptionId, name).toLowerCase()];
}

export const resourceGroupsTable = resourceTable<GroupData, GroupData>({
  type: RESOURCE_GROUP_TYPE,
  apiVersions: RESOURCES_API_VERSIONS,
  versionError: "arm",
  scope: "subscription",
  operations: {
    put: "ResourceGroups_CreateOrUpdate",
    get: "ResourceGroups_Get",
    head: "ResourceGroups_CheckExistence",
    patch: "ResourceGroups_Update",
    delete: "ResourceGroups_Delete",
    listByParent: "ResourceGroups_List",
  },
  // Real ARM asks resource-group delete pollers to come back after 15 s.
  lro: { put: "sync", delete: "location", retryAfterSeconds: 15 },
  tracked: true,
  deleteMissing: "not-found",

  checkName: (name, req) => validateName(name, req.operation),
  parse: (_name, body) => ok(typeof body.managedBy === "string" ? { managedBy: body.managedBy } : {}),
  build: (input) => ok(input),
  view: (rg) => ({
    id: rg.id,
    name: rg.name,
    type: RESOURCE_GROUP_TYPE,
    location: rg.location,
    ...(rg.data.managedBy ? { managedBy: rg.data.managedBy } : {}),
    ...(rg.tags ? { tags: rg.tags } : {}),
    properties: { provisioningState: rg.provisioningState },
  }),

  notFound: (req, [name]) => armErrors.resourceGroupNotFound(req.operation, name ?? ""),
  locationNotAvailable: (raw, req) =>
    armError(
      400,
      "LocationNotAvailableForResourceGroup",
      `The provided location '${raw}' is not available for resource group. List of available regions is ` +
        `'${SUPPORTED_LOCATIONS.join(",")}'.`,
      req.operation,
    ),
  relocated: (existing, raw, _location, req) =>
    armError(
      409,
      "InvalidResourceGroupLocation",
      // ARM quotes the location as it was sent ("Invalid resource group location 'East US'").
      `Invalid resource group location '${raw}'. The Resource group already exists in location '${existing.location ?? ""}'.`,
      req.operation,
    ),
  beingDeleted: (existing, req) => armErrors.resourceGroupBeingDeleted(req.operation, existing.name),
  // ARM's job id names the group and its region: polling the same group's deletion twice gives the same URL.
  deleteOperationId: (rg) =>
    Buffer.from(
      JSON.stringify({
        jobId: `RESOURCEGROUPDELETIONJOB-${rg.name.toUpperCase()}-${(rg.location ?? "").toUpperCase()}`,
        jobLocation: rg.location,
      }),
    ).toString("base64url"),
  patch: (rg, body, req) => {
    const tags = parseTags(body.tags, req.operation);
    if (!tags.ok) return tags;
    if (tags.value) rg.tags = tags.value;
    if (typeof body.managedBy === "string") rg.data.managedBy = body.managedBy;
    return ok(null);
  },
  removing: (rg, state, registry) => {
    const group = rg.name.toLowerCase();
    for (const [key, resource] of Object.entries(state.resources)) {
      if (resource !== rg && resource.resourceGroup.toLowerCase() === group && !resource.parentKey) {
        registry.remove(state, key);
      }
    }
  },
});

function validateName(name: string, operation: string): SandboxResponse | null {
  const invalid = [...new Set([...name].filter((c) => !NAME_CHAR.test(c)))];
  if (invalid.length > 0) {
    return armError(
      400,
      "InvalidResourceGroup",
      `The provided resource group name '${name}' has these invalid characters: '${invalid.join("")}'. The name can ` +
        "only be a letter, digit, '-', '.', '(', ')' or '_'.",
      operation,
    );
  }
  if (name.length > MAX_NAME) {
    return armError(
      400,
      "InvalidResourceGroup",
      `The provided resource group name '${name}' is longer than ${MAX_NAME} characters.`,
      operation,
    );
  }
  if (name.endsWith(".")) {
    return armError(
      400,
      "InvalidResourceGroup",
      `The provided resource group name '${name}' cannot end with a period.`,
      operation,
    );
  }
  return null;
}

/**
 * GET /subscriptions/{s}/resourcegroups/{rg}/resources: every top-level resource in the group in
 * ARM's generic shape (what @azure/arm-resources' resources.listByResourceGroup reads). Supports
 * `$filter` on `resourceType eq '<type>'` and `name eq '<name>'` (joined by `and`) and `$top`.
 */
export function resourcesInGroupRoute(registry: ResourceRegistry): ArmRoute {
  const handler: ArmHandler = async (req, env) => {
    const filter = parseFilter(req);
    if (!filter.ok) return filter.response;
    const top = req.raw.query.get("$top");
    const limit = top === null ? Number.MAX_SAFE_INTEGER : Number(top);
    if (!Number.isSafeInteger(limit) || limit < 1) {
      return armError(400, "InvalidTopInQueryString", `The value '${top ?? ""}' of $top is not valid.`, req.operation);
    }
    await env.ctx.latency(req.operation);
    const group = (req.params.resourceGroupName ?? "").toLowerCase();
    const sub = (req.params.subscriptionId ?? "").toLowerCase();
    const value = Object.values(env.state.resources)
      .filter(
        (r) =>
          r.type !== RESOURCE_GROUP_TYPE &&
          !r.parentKey &&
          r.subscriptionId.toLowerCase() === sub &&
          r.resourceGroup.toLowerCase() === group &&
          filter.value.every(([field, wanted]) => (field === "type" ? r.type : r.name).toLowerCase() === wanted),
      )
      .slice(0, limit)
      .map((r) => registry.listing(r));
    return { status: 200, operation: req.operation, body: { value } };
  };
  return {
    pattern: "subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/resources",
    apiVersions: RESOURCES_API_VERSIONS,
    versionError: "arm",
    inResourceGroup: true,
    armNative: true,
    operations: { GET: { name: "Resources_ListByResourceGroup", handler } },
  };
}

const CLAUSE = /^\s*(resourceType|name)\s+eq\s+'([^']*)'\s*$/i;

function parseFilter(req: ArmRequest): Parsed<Array<["type" | "name", string]>> {
  const raw = req.raw.query.get("$filter");
  if (raw === null || raw.trim() === "") return ok([]);
  const clauses: Array<["type" | "name", string]> = [];
  for (const part of raw.split(/\s+and\s+/i)) {
    const m = CLAUSE.exec(part);
    if (!m?.[1] || m[2] === undefined) {
      return {
        ok: false,
        // Invented wording: the sandbox supports only these filters.
        response: armError(
          400,
          "InvalidFilterInQueryString",
          `The $filter '${raw}' is not supported by the sandbox: use resourceType eq '<type>' and/or name eq '<name>'.`,
          req.operation,
        ),
      };
    }
    clauses.push([m[1].toLowerCase() === "name" ? "name" : "type", m[2].toLowerCase()]);
  }
  return ok(clauses);
}

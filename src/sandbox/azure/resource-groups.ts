import type { SandboxResponse } from "../harness/types.js";
import { jsonBody, parseTags } from "./arm-body.js";
import { armError, armErrors, normaliseLocation } from "./arm-errors.js";
import { acceptedResponse, startOperation } from "./arm-lro.js";
import type { ArmEnv, ArmModule, ArmRequest, ArmRoute } from "./arm-types.js";
import type { ResourceGroupState } from "./state.js";

/**
 * Microsoft.Resources/resourceGroups as ARM serves it (examples/rg-*.json): PUT and GET are
 * synchronous, DELETE is a long-running operation polled through `Location`, and deleting a group
 * deletes everything in it.
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
export const RG_DELETE_KIND = "resourceGroupDelete";
const RG_TYPE = "Microsoft.Resources/resourceGroups";
const MAX_NAME = 90;
// Letters and digits of any script, '-', '_', '.', '(' and ')'.
const NAME_CHAR = /[\p{L}\p{N}\p{Mn}\p{Pc}\-.()]/u;

/** `others` are the modules whose resources live in groups, for the cascading delete. */
export function createResourceGroupsModule(others: () => readonly ArmModule[]): ArmModule {
  const groupRoute: ArmRoute = {
    pattern: "subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}",
    apiVersions: RESOURCES_API_VERSIONS,
    versionError: "arm",
    operations: {
      PUT: { name: "ResourceGroups_CreateOrUpdate", handler: createOrUpdate },
      GET: { name: "ResourceGroups_Get", handler: get },
      HEAD: { name: "ResourceGroups_CheckExistence", handler: checkExistence },
      PATCH: { name: "ResourceGroups_Update", handler: update },
      DELETE: { name: "ResourceGroups_Delete", handler: remove },
    },
  };
  const listRoute: ArmRoute = {
    pattern: "subscriptions/{subscriptionId}/resourcegroups",
    apiVersions: RESOURCES_API_VERSIONS,
    versionError: "arm",
    operations: { GET: { name: "ResourceGroups_List", handler: list } },
  };
  return {
    routes: [groupRoute, listRoute],
    namespaces: ["Microsoft.Resources"],
    completers: {
      [RG_DELETE_KIND]: (state, op) => {
        for (const module of others()) module.deleteInResourceGroup?.(state, op.target);
        delete state.resourceGroups[op.target];
      },
    },
  };
}

export function resourceGroupId(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${name}`;
}

function view(subscriptionId: string, rg: ResourceGroupState): object {
  return {
    id: resourceGroupId(subscriptionId, rg.name),
    name: rg.name,
    type: RG_TYPE,
    location: rg.location,
    ...(rg.managedBy ? { managedBy: rg.managedBy } : {}),
    ...(rg.tags ? { tags: rg.tags } : {}),
    properties: { provisioningState: rg.provisioningState },
  };
}

function params(req: ArmRequest): { sub: string; name: string; key: string } {
  const name = req.params.resourceGroupName ?? "";
  return { sub: req.params.subscriptionId ?? "", name, key: name.toLowerCase() };
}

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

async function createOrUpdate(req: ArmRequest, env: ArmEnv): Promise<SandboxResponse> {
  const { sub, name, key } = params(req);
  const badName = validateName(name, req.operation);
  if (badName) return badName;
  const body = jsonBody(req);
  if (!body.ok) return body.response;
  const rawLocation = body.value.location;
  if (typeof rawLocation !== "string" || rawLocation.trim() === "") return armErrors.locationRequired(req.operation);
  const location = normaliseLocation(rawLocation);
  if (!location) return armErrors.locationNotAvailable(req.operation, rawLocation);
  const tags = parseTags(body.value.tags, req.operation);
  if (!tags.ok) return tags.response;
  const managedBy = typeof body.value.managedBy === "string" ? body.value.managedBy : undefined;

  // Wait first, then read and write with no await in between: racing PUTs see each other.
  await env.ctx.latency(req.operation);
  const existing = env.state.resourceGroups[key];
  if (existing?.provisioningState === "Deleting")
    return armErrors.resourceGroupBeingDeleted(req.operation, existing.name);
  if (existing && existing.location !== location) {
    return armError(
      409,
      "InvalidResourceGroupLocation",
      // ARM quotes the location as it was sent ("Invalid resource group location 'East US'").
      `Invalid resource group location '${rawLocation}'. The Resource group already exists in location '${existing.location}'.`,
      req.operation,
    );
  }
  const rg: ResourceGroupState = {
    // ARM keeps the casing the group was created with.
    name: existing?.name ?? name,
    location,
    ...(tags.value ? { tags: tags.value } : {}),
    ...(managedBy ? { managedBy } : {}),
    provisioningState: "Succeeded",
    createdAt: existing?.createdAt ?? new Date(env.ctx.now()).toISOString(),
  };
  env.state.resourceGroups[key] = rg;
  await env.ctx.save();
  return { status: existing ? 200 : 201, operation: req.operation, write: true, body: view(sub, rg) };
}

async function get(req: ArmRequest, env: ArmEnv): Promise<SandboxResponse> {
  const { sub, name, key } = params(req);
  const rg = env.state.resourceGroups[key];
  if (!rg) return armErrors.resourceGroupNotFound(req.operation, name);
  await env.ctx.latency(req.operation);
  return { status: 200, operation: req.operation, body: view(sub, rg) };
}

function checkExistence(req: ArmRequest, env: ArmEnv): Promise<SandboxResponse> {
  const { key } = params(req);
  return Promise.resolve({ status: env.state.resourceGroups[key] ? 204 : 404, operation: req.operation });
}

async function update(req: ArmRequest, env: ArmEnv): Promise<SandboxResponse> {
  const { sub, name, key } = params(req);
  await env.ctx.latency(req.operation);
  const rg = env.state.resourceGroups[key];
  if (!rg) return armErrors.resourceGroupNotFound(req.operation, name);
  if (rg.provisioningState === "Deleting") return armErrors.resourceGroupBeingDeleted(req.operation, rg.name);
  const body = jsonBody(req);
  if (!body.ok) return body.response;
  const tags = parseTags(body.value.tags, req.operation);
  if (!tags.ok) return tags.response;
  if (tags.value) rg.tags = tags.value;
  if (typeof body.value.managedBy === "string") rg.managedBy = body.value.managedBy;
  await env.ctx.save();
  return { status: 200, operation: req.operation, write: true, body: view(sub, rg) };
}

async function remove(req: ArmRequest, env: ArmEnv): Promise<SandboxResponse> {
  const { sub, name, key } = params(req);
  const rg = env.state.resourceGroups[key];
  if (!rg) return armErrors.resourceGroupNotFound(req.operation, name);
  // ARM's job id names the group and its region; polling the same group's deletion twice
  // gives the same URL.
  const job = {
    jobId: `RESOURCEGROUPDELETIONJOB-${rg.name.toUpperCase()}-${rg.location.toUpperCase()}`,
    jobLocation: rg.location,
  };
  const op = startOperation(env, {
    id: Buffer.from(JSON.stringify(job)).toString("base64url"),
    kind: RG_DELETE_KIND,
    target: key,
    subscriptionId: sub,
    latencyKey: req.operation,
  });
  rg.provisioningState = "Deleting";
  await env.ctx.save();
  return acceptedResponse(env, op, req, true);
}

async function list(req: ArmRequest, env: ArmEnv): Promise<SandboxResponse> {
  const sub = req.params.subscriptionId ?? "";
  await env.ctx.latency(req.operation);
  return {
    status: 200,
    operation: req.operation,
    body: { value: Object.values(env.state.resourceGroups).map((rg) => view(sub, rg)) },
  };
}

import { randomUUID } from "node:crypto";
import type { SandboxResponse } from "../harness/types.js";
import { jsonBody, parseTags, type Parsed } from "./arm-body.js";
import { armError, armErrors, normaliseLocation, SUPPORTED_LOCATIONS } from "./arm-errors.js";
import { endOperation, lroHeaders, runningOperation, startOperation } from "./arm-lro.js";
import { updateKey } from "./durations.js";
import type { ArmEnv, ArmHandler, ArmModule, ArmRequest, ArmRoute, OperationCompleter } from "./arm-types.js";
import type { ArmResourceState, AzureState, OperationError, ProvisioningState } from "./state.js";

/**
 * ARM resource types as tables. A type says what it is (full type, api-versions, where it lives,
 * how its ids are spelled), which protocol its PUT and DELETE follow (synchronous, `Location`, or
 * `Azure-AsyncOperation`), and how to check a body and answer one; this module turns the tables
 * into routes (PUT, GET, HEAD, PATCH, DELETE, lists), long-running operations and the cascade of
 * deletions (a resource group takes its resources, a VNet its subnets).
 */

type AnyTable = ResourceTable<object, unknown>;

export interface ResourceTable<D extends object, I> {
  /** Full type, e.g. "Microsoft.Network/virtualNetworks/subnets". */
  readonly type: string;
  readonly apiVersions: readonly string[];
  /** ARM's own types reject other versions with InvalidApiVersionParameter, providers' with NoRegisteredProviderFound. */
  readonly versionError: "arm" | "provider";
  /** Where it lives: the subscription (resource groups), a resource group, or a parent resource. */
  readonly scope: "subscription" | "resourceGroup" | { readonly parent: AnyTable };
  /** How the provider spells the group segment of the ids it answers (MSI: lower case). */
  readonly groupSegment?: "resourceGroups" | "resourcegroups";
  readonly operations: {
    readonly put: string;
    readonly get: string;
    readonly delete: string;
    readonly head?: string;
    readonly patch?: string;
    readonly listByParent?: string;
    readonly listBySubscription?: string;
  };
  /**
   * Protocols: `sync` answers at once; `azure-async` (PUT: 201/200 with the body in `pendingState`,
   * DELETE: 202, both with Azure-AsyncOperation) and `location` (DELETE: 202 with Location) run as
   * long-running operations whose durations are LRO_DURATION_MS[<operation name>].
   */
  readonly lro: {
    readonly put: "sync" | "azure-async";
    readonly delete: "sync" | "location" | "azure-async";
    /** What `provisioningState` says while a creating PUT runs (updates say Updating). */
    readonly pendingState?: ProvisioningState;
    /** Retry-After on the first answer (the SDK ignores it there; polls say what is left). */
    readonly retryAfterSeconds?: number;
  };
  /** Tracked resources have a location and tags; child resources neither. */
  readonly tracked: boolean;

  /** Checked before anything else, the body included. */
  checkName?(name: string, req: ArmRequest): SandboxResponse | null;
  /** Checks the body on its own; the result goes to `build`. */
  parse(name: string, body: Record<string, unknown>, req: ArmRequest, id: string): Parsed<I>;
  /**
   * Builds the type's data from the parsed body, checked against the rest of the state. Runs after
   * the latency wait with nothing awaited until the write, so racing PUTs see each other.
   */
  build(input: I, ctx: BuildContext<D>): Parsed<D>;
  /** After the PUT's record is stored (same synchronous step): keep related resources in step (a VNet's subnets). */
  written?(resource: ArmResourceState<D>, input: I, ctx: BuildContext<D>): void;
  /** The body of GET and PUT answers; `req` is the GET's, for `$expand`. */
  view(resource: ArmResourceState<D>, state: AzureState, req?: ArmRequest): object;
  /** What the generic `/resources` listing adds to id, name, type, location and tags. */
  listingExtras?(resource: ArmResourceState<D>): object;

  /** 404 for a missing resource; default ResourceNotFound (tracked) or NotFound (child). */
  notFound?(req: ArmRequest, names: readonly string[]): SandboxResponse;
  /** DELETE of a missing resource: 204 as ARM's contract says, or this type's 404. */
  readonly deleteMissing?: "no-content" | "not-found";
  locationNotAvailable?(raw: string, req: ArmRequest): SandboxResponse;
  /** PUT of an existing resource with another location; default 409 InvalidResourceLocation. */
  relocated?(existing: ArmResourceState<D>, raw: string, location: string, req: ArmRequest): SandboxResponse;
  /** A write to a resource being deleted; default 409 Conflict. */
  beingDeleted?(existing: ArmResourceState<D>, req: ArmRequest): SandboxResponse;
  /** How a running PUT ends when a newer PUT or a DELETE overtakes it. */
  preempted?(req: ArmRequest): { status: "Failed" | "Canceled"; error: OperationError };
  /** Refuses a delete (a NIC still attached); null lets it go. */
  refuseDelete?(resource: ArmResourceState<D>, state: AzureState, req: ArmRequest): SandboxResponse | null;
  /** Operation id of a deletion (resource groups: ARM's job id); default a fresh GUID. */
  deleteOperationId?(resource: ArmResourceState<D>): string;
  /** PATCH; default: replaces the tags when given. */
  patch?(resource: ArmResourceState<D>, body: Record<string, unknown>, req: ArmRequest): Parsed<null>;
  /** Once a PUT has finished (at once when synchronous). */
  provisioned?(resource: ArmResourceState<D>, state: AzureState): void;
  /** Just before the resource leaves the state, whatever removes it. */
  removing?(resource: ArmResourceState<D>, state: AzureState, registry: ResourceRegistry): void;
}

export interface BuildContext<D extends object> {
  readonly existing: ArmResourceState<D> | undefined;
  readonly parent: ArmResourceState | undefined;
  /** The id the resource has (or gets). */
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string | undefined;
  readonly state: AzureState;
  readonly req: ArmRequest;
  readonly env: ArmEnv;
  readonly nowMs: number;
}

/** Declares a table with its data types checked, for the registry's mixed list. */
export function resourceTable<D extends object, I>(table: ResourceTable<D, I>): AnyTable {
  return table;
}

export function namespaceOf(type: string): string {
  return type.split("/")[0] ?? "";
}

/** The resource types the sandbox serves, and what their tables need from one another. */
export class ResourceRegistry {
  private readonly byType = new Map<string, AnyTable>();

  constructor(readonly tables: readonly AnyTable[]) {
    for (const table of tables) this.byType.set(table.type.toLowerCase(), table);
  }

  table(type: string): AnyTable | undefined {
    return this.byType.get(type.toLowerCase());
  }

  /** Removes a resource, its children first, letting each type react. */
  remove(state: AzureState, key: string): void {
    const resource = state.resources[key];
    if (!resource) return;
    for (const [childKey, child] of Object.entries(state.resources)) {
      if (child.parentKey === key) this.remove(state, childKey);
    }
    this.table(resource.type)?.removing?.(resource, state, this);
    delete state.resources[key];
  }

  /** The generic view ARM's `/resources` listing gives. */
  listing(resource: ArmResourceState): object {
    return {
      id: resource.id,
      name: resource.name,
      type: resource.type,
      ...this.table(resource.type)?.listingExtras?.(resource),
      ...(resource.location ? { location: resource.location } : {}),
      ...(resource.tags ? { tags: resource.tags } : {}),
    };
  }

  /** Region of a resource, or of the tracked resource above a child (operation URLs name it). */
  rootLocation(state: AzureState, resource: ArmResourceState): string {
    let current: ArmResourceState | undefined = resource;
    while (current && !current.location && current.parentKey) current = state.resources[current.parentKey];
    return current?.location ?? "global";
  }

  module(): ArmModule {
    const completers: Record<string, OperationCompleter> = {};
    for (const table of this.tables) {
      completers[table.type] = (state, op) => {
        const resource = state.resources[op.target];
        if (!resource) return;
        if (op.action === "delete") {
          this.remove(state, op.target);
        } else if (resource.provisioningState !== "Deleting") {
          resource.provisioningState = "Succeeded";
          table.provisioned?.(resource, state);
        }
      };
    }
    return {
      routes: this.tables.flatMap((table) => routesOf(table, this)),
      namespaces: [...new Set(this.tables.map((t) => namespaceOf(t.type)))],
      completers,
    };
  }
}

/** Type segments below the namespace: ["virtualNetworks", "subnets"]. */
function typeChain(table: AnyTable): AnyTable[] {
  const chain: AnyTable[] = [];
  for (let t: AnyTable | undefined = table; t; t = typeof t.scope === "object" ? t.scope.parent : undefined) {
    chain.unshift(t);
  }
  return chain;
}

const lastSegment = (type: string): string => type.split("/").at(-1) ?? "";

function pattern(table: AnyTable, withName: boolean): string {
  if (table.scope === "subscription") {
    return `subscriptions/{subscriptionId}/${lastSegment(table.type)}${withName ? "/{resourceGroupName}" : ""}`;
  }
  const chain = typeChain(table);
  const parts = chain.map((t, i) => `${lastSegment(t.type)}${withName || i < chain.length - 1 ? `/{name${i}}` : ""}`);
  return `subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/${namespaceOf(table.type)}/${parts.join("/")}`;
}

interface Target {
  readonly sub: string;
  readonly rg: string;
  /** Names from the top-level resource down. */
  readonly names: readonly string[];
  readonly name: string;
  readonly id: string;
  readonly key: string;
  readonly parentKey: string | undefined;
}

function target(table: AnyTable, req: ArmRequest, depth: number): Target {
  const sub = req.params.subscriptionId ?? "";
  const rg = req.params.resourceGroupName ?? "";
  if (table.scope === "subscription") {
    const id = `/subscriptions/${sub}/resourceGroups/${rg}`;
    return { sub, rg, names: [rg], name: rg, id, key: id.toLowerCase(), parentKey: undefined };
  }
  const chain = typeChain(table).slice(0, depth);
  const names = chain.map((_, i) => req.params[`name${i}`] ?? "");
  const segment = table.groupSegment ?? "resourceGroups";
  let id = `/subscriptions/${sub}/${segment}/${rg}/providers/${namespaceOf(table.type)}`;
  let parentKey: string | undefined;
  chain.forEach((t, i) => {
    if (i === chain.length - 1) parentKey = i > 0 ? id.toLowerCase() : undefined;
    id += `/${lastSegment(t.type)}/${names[i] ?? ""}`;
  });
  return { sub, rg, names, name: names.at(-1) ?? "", id, key: id.toLowerCase(), parentKey };
}

function defaultNotFound(table: AnyTable, req: ArmRequest, t: Target): SandboxResponse {
  if (typeof table.scope === "object") {
    return armError(404, "NotFound", `Resource ${t.id} not found.`, req.operation);
  }
  return armErrors.resourceNotFound(req.operation, `${table.type}/${t.names.join("/")}`, t.rg);
}

function notFound(table: AnyTable, req: ArmRequest, t: Target): SandboxResponse {
  return table.notFound?.(req, t.names) ?? defaultNotFound(table, req, t);
}

/** The parent of a child resource must exist and not be on its way out. */
function parentOf(table: AnyTable, req: ArmRequest, env: ArmEnv, t: Target): ArmResourceState | SandboxResponse | null {
  if (typeof table.scope !== "object" || !t.parentKey) return null;
  const parentTable = table.scope.parent;
  const parent = env.state.resources[t.parentKey];
  const depth = t.names.length - 1;
  if (!parent) return notFound(parentTable, req, target(parentTable, req, depth));
  return parent;
}

const isResponse = (value: unknown): value is SandboxResponse =>
  typeof value === "object" && value !== null && "status" in value && "operation" in value;

function routesOf(table: AnyTable, registry: ResourceRegistry): ArmRoute[] {
  const ops = table.operations;
  const depth = typeChain(table).length;
  const common = {
    apiVersions: table.apiVersions,
    versionError: table.versionError,
    resourceType: lastSegment(table.type),
    inResourceGroup: table.scope !== "subscription",
    armNative: table.versionError === "arm",
  } as const;
  const one: ArmRoute = {
    ...common,
    pattern: pattern(table, true),
    operations: {
      PUT: { name: ops.put, handler: put(table, registry, depth) },
      GET: { name: ops.get, handler: get(table, depth) },
      HEAD: { name: ops.head ?? "Resources_CheckExistenceById", handler: head(table, depth) },
      DELETE: { name: ops.delete, handler: remove(table, registry, depth) },
      ...(ops.patch ? { PATCH: { name: ops.patch, handler: patch(table, depth) } } : {}),
    },
  };
  const routes = [one];
  if (ops.listByParent) {
    routes.push({
      ...common,
      inResourceGroup: table.scope !== "subscription",
      pattern: pattern(table, false),
      operations: { GET: { name: ops.listByParent, handler: listByParent(table, depth) } },
    });
  }
  if (ops.listBySubscription) {
    routes.push({
      ...common,
      inResourceGroup: false,
      pattern: `subscriptions/{subscriptionId}/providers/${table.type}`,
      operations: { GET: { name: ops.listBySubscription, handler: listBySubscription(table) } },
    });
  }
  return routes;
}

function put(table: AnyTable, registry: ResourceRegistry, depth: number): ArmHandler {
  return async (req, env) => {
    const t = target(table, req, depth);
    const badName = table.checkName?.(t.name, req);
    if (badName) return badName;
    const body = jsonBody(req);
    if (!body.ok) return body.response;
    let location: string | undefined;
    let rawLocation = "";
    let tags: Record<string, string> | undefined;
    if (table.tracked) {
      const raw = body.value.location;
      if (typeof raw !== "string" || raw.trim() === "") return armErrors.locationRequired(req.operation);
      rawLocation = raw;
      location = normaliseLocation(raw) ?? undefined;
      if (!location) return table.locationNotAvailable?.(raw, req) ?? locationNotAvailable(table, raw, req);
      const parsedTags = parseTags(body.value.tags, req.operation);
      if (!parsedTags.ok) return parsedTags.response;
      tags = parsedTags.value;
    }
    const input = table.parse(t.name, body.value, req, t.id);
    if (!input.ok) return input.response;

    // Wait first, then read and write with nothing awaited in between: racing PUTs see each other.
    await env.ctx.latency(req.operation);
    const parent = parentOf(table, req, env, t);
    if (isResponse(parent)) return parent;
    if (parent?.provisioningState === "Deleting") {
      const parentTable = registry.table(parent.type);
      return parentTable?.beingDeleted?.(parent, req) ?? beingDeleted(req, parent);
    }
    const existing = env.state.resources[t.key];
    if (existing?.provisioningState === "Deleting") {
      return table.beingDeleted?.(existing, req) ?? beingDeleted(req, existing);
    }
    if (existing && location && existing.location !== location) {
      return table.relocated?.(existing, rawLocation, location, req) ?? relocated(existing, location, req, t);
    }
    const buildContext: BuildContext<object> = {
      existing,
      parent: parent ?? undefined,
      id: existing?.id ?? t.id,
      name: existing?.name ?? t.name,
      subscriptionId: t.sub,
      resourceGroup: existing?.resourceGroup ?? t.rg,
      location,
      state: env.state,
      req,
      env,
      nowMs: env.ctx.now(),
    };
    const data = table.build(input.value, buildContext);
    if (!data.ok) return data.response;

    const previous = runningOperation(env.state, t.key, "put");
    if (previous) {
      const how = table.preempted?.(req) ?? superseded(req);
      endOperation(previous, how.status, how.error, env.ctx.now());
    }
    const resource: ArmResourceState = {
      // ARM keeps the casing the resource was created with.
      id: existing?.id ?? t.id,
      type: table.type,
      name: existing?.name ?? t.name,
      subscriptionId: t.sub,
      resourceGroup: existing?.resourceGroup ?? t.rg,
      ...(t.parentKey ? { parentKey: t.parentKey } : {}),
      ...(location ? { location } : {}),
      ...(tags ? { tags } : {}),
      provisioningState: "Succeeded",
      etag: randomUUID(),
      createdAt: existing?.createdAt ?? new Date(env.ctx.now()).toISOString(),
      data: data.value,
    };
    env.state.resources[t.key] = resource;
    const pending: ProvisioningState =
      table.lro.put === "sync" ? "Succeeded" : existing ? "Updating" : (table.lro.pendingState ?? "Updating");
    resource.provisioningState = pending;
    table.written?.(resource, input.value, buildContext);
    const status = existing ? 200 : 201;
    if (table.lro.put === "sync") {
      table.provisioned?.(resource, env.state);
      await env.ctx.save();
      return { status, operation: req.operation, write: true, body: table.view(resource, env.state) };
    }
    const op = startOperation(env, {
      action: "put",
      resourceType: table.type,
      target: t.key,
      subscriptionId: t.sub,
      style: "azure-async",
      namespace: namespaceOf(table.type),
      region: location ?? registry.rootLocation(env.state, resource),
      durationKey: existing ? updateKey(req.operation) : req.operation,
    });
    await env.ctx.save();
    return {
      status,
      operation: req.operation,
      write: true,
      headers: {
        ...lroHeaders(env, op, req.apiVersion, table.lro.retryAfterSeconds ?? 10),
        "x-ms-request-id": op.id,
      },
      body: table.view(resource, env.state),
    };
  };
}

function get(table: AnyTable, depth: number): ArmHandler {
  return async (req, env) => {
    const t = target(table, req, depth);
    const resource = env.state.resources[t.key];
    if (!resource) return notFound(table, req, t);
    await env.ctx.latency(req.operation);
    return { status: 200, operation: req.operation, body: table.view(resource, env.state, req) };
  };
}

function head(table: AnyTable, depth: number): ArmHandler {
  return (req, env) => {
    const t = target(table, req, depth);
    return { status: env.state.resources[t.key] ? 204 : 404, operation: req.operation };
  };
}

function patch(table: AnyTable, depth: number): ArmHandler {
  return async (req, env) => {
    const t = target(table, req, depth);
    await env.ctx.latency(req.operation);
    const resource = env.state.resources[t.key];
    if (!resource) return notFound(table, req, t);
    if (resource.provisioningState === "Deleting")
      return table.beingDeleted?.(resource, req) ?? beingDeleted(req, resource);
    const body = jsonBody(req);
    if (!body.ok) return body.response;
    if (table.patch) {
      const patched = table.patch(resource, body.value, req);
      if (!patched.ok) return patched.response;
    } else {
      const tags = parseTags(body.value.tags, req.operation);
      if (!tags.ok) return tags.response;
      if (tags.value) resource.tags = tags.value;
    }
    resource.etag = randomUUID();
    await env.ctx.save();
    return { status: 200, operation: req.operation, write: true, body: table.view(resource, env.state) };
  };
}

function remove(table: AnyTable, registry: ResourceRegistry, depth: number): ArmHandler {
  return async (req, env) => {
    const t = target(table, req, depth);
    await env.ctx.latency(req.operation);
    const resource = env.state.resources[t.key];
    if (!resource) {
      // Deleting what is not there is a success with nothing to say: 204, as ARM's contract asks.
      return table.deleteMissing === "not-found" ? notFound(table, req, t) : { status: 204, operation: req.operation };
    }
    const refused = table.refuseDelete?.(resource, env.state, req);
    if (refused) return refused;
    if (table.lro.delete === "sync") {
      registry.remove(env.state, t.key);
      await env.ctx.save();
      return { status: 200, operation: req.operation, write: true };
    }
    const running = runningOperation(env.state, t.key, "put");
    if (running) {
      const how = table.preempted?.(req) ?? superseded(req);
      endOperation(running, how.status, how.error, env.ctx.now());
    }
    // Asking again while it runs gives the same operation back.
    const op =
      runningOperation(env.state, t.key, "delete") ??
      startOperation(env, {
        ...(table.deleteOperationId ? { id: table.deleteOperationId(resource) } : {}),
        action: "delete",
        resourceType: table.type,
        target: t.key,
        subscriptionId: t.sub,
        style: table.lro.delete,
        namespace: namespaceOf(table.type),
        region: registry.rootLocation(env.state, resource),
        durationKey: req.operation,
      });
    resource.provisioningState = "Deleting";
    await env.ctx.save();
    return {
      status: 202,
      operation: req.operation,
      write: true,
      headers: {
        ...lroHeaders(env, op, req.apiVersion, table.lro.retryAfterSeconds ?? 10),
        ...(table.versionError === "provider" ? { "x-ms-request-id": op.id } : {}),
      },
    };
  };
}

function listByParent(table: AnyTable, depth: number): ArmHandler {
  return async (req, env) => {
    await env.ctx.latency(req.operation);
    const sub = (req.params.subscriptionId ?? "").toLowerCase();
    let match: (r: ArmResourceState) => boolean;
    if (typeof table.scope === "object") {
      const parentTable = table.scope.parent;
      const parent = target(parentTable, req, depth - 1);
      if (!env.state.resources[parent.key]) return notFound(parentTable, req, parent);
      match = (r) => r.parentKey === parent.key;
    } else if (table.scope === "resourceGroup") {
      const rg = (req.params.resourceGroupName ?? "").toLowerCase();
      match = (r) => r.resourceGroup.toLowerCase() === rg;
    } else {
      match = () => true;
    }
    const value = Object.values(env.state.resources)
      .filter((r) => r.type === table.type && r.subscriptionId.toLowerCase() === sub && match(r))
      .map((r) => table.view(r, env.state));
    return { status: 200, operation: req.operation, body: { value } };
  };
}

function listBySubscription(table: AnyTable): ArmHandler {
  return async (req, env) => {
    await env.ctx.latency(req.operation);
    const sub = (req.params.subscriptionId ?? "").toLowerCase();
    const value = Object.values(env.state.resources)
      .filter((r) => r.type === table.type && r.subscriptionId.toLowerCase() === sub)
      .map((r) => table.view(r, env.state));
    return { status: 200, operation: req.operation, body: { value } };
  };
}

function locationNotAvailable(table: AnyTable, raw: string, req: ArmRequest): SandboxResponse {
  return armError(
    400,
    "LocationNotAvailableForResourceType",
    `The provided location '${raw}' is not available for resource type '${table.type}'. List of available ` +
      `regions for the resource type is '${SUPPORTED_LOCATIONS.join(",")}'.`,
    req.operation,
  );
}

function relocated(existing: ArmResourceState, location: string, req: ArmRequest, t: Target): SandboxResponse {
  // ARM's front door answers this one, with 409 Conflict, not 400.
  return armError(
    409,
    "InvalidResourceLocation",
    `The resource '${existing.name}' already exists in location '${existing.location ?? ""}' in resource group ` +
      `'${t.rg}'. A resource with the same name cannot be created in location '${location}'. Please select a new ` +
      "resource name.",
    req.operation,
  );
}

function beingDeleted(req: ArmRequest, resource: ArmResourceState): SandboxResponse {
  return armError(
    409,
    "Conflict",
    `The resource '${resource.id}' is being deleted and cannot be changed.`,
    req.operation,
  );
}

function superseded(req: ArmRequest): { status: "Canceled"; error: OperationError } {
  return {
    status: "Canceled",
    error: { code: "Canceled", message: `The operation was canceled by a newer ${req.method} on the same resource.` },
  };
}

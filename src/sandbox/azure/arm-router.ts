import { randomUUID } from "node:crypto";
import type { SandboxRequest, SandboxResponse, ServiceContext } from "../harness/types.js";
import { SANDBOX_SUBSCRIPTION_ID } from "../constants.js";
import { authenticateArm, isArmCaller } from "./arm-auth.js";
import { armErrors, armTimestamp } from "./arm-errors.js";
import { settleOperations } from "./arm-lro.js";
import { ArmThrottle, bucketFor, type TakeResult } from "./arm-throttle.js";
import type { ArmEnv, ArmMethod, ArmModule, ArmRoute } from "./arm-types.js";
import { findResourceGroup } from "./resource-groups.js";
import type { AzureState } from "./state.js";

/**
 * ARM's front door: api-version present, caller authenticated, subscription known, request budget
 * left, route and api-version known, parent resource group present; then the resource type's
 * module answers. Every answer gets ARM's standard headers.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const METHODS: readonly string[] = ["GET", "HEAD", "PUT", "PATCH", "DELETE", "POST"];
// Real namespaces the sandbox does not emulate: ARM knows them, so an unknown type there is
// InvalidResourceType, not InvalidResourceNamespace.
const OTHER_NAMESPACES = [
  "microsoft.authorization",
  "microsoft.storage",
  "microsoft.keyvault",
  "microsoft.web",
  "microsoft.containerservice",
  "microsoft.insights",
  "microsoft.resources",
  "microsoft.network",
  "microsoft.compute",
];

export interface ArmRouter {
  handle(req: SandboxRequest, ctx: ServiceContext, state: AzureState): Promise<SandboxResponse>;
}

export function createArmRouter(modules: readonly ArmModule[], durationMs: (operation: string) => number): ArmRouter {
  const routes = modules.flatMap((m) => m.routes.map((route) => ({ route, segments: route.pattern.split("/") })));
  const namespaces = new Set([
    ...OTHER_NAMESPACES,
    ...modules.flatMap((m) => m.namespaces ?? []).map((n) => n.toLowerCase()),
  ]);
  const throttle = new ArmThrottle();

  async function answer(
    req: SandboxRequest,
    ctx: ServiceContext,
    state: AzureState,
  ): Promise<{ res: SandboxResponse; budget?: TakeResult; kind: string; provider?: boolean }> {
    const kind = bucketFor(req.method);
    let segments: string[];
    try {
      segments = req.path
        .split("/")
        .filter((s) => s.length > 0)
        .map(decodeURIComponent);
    } catch {
      return { res: armErrors.notFound("Unknown"), kind };
    }
    const matched = match(routes, segments);
    const method = METHODS.includes(req.method) ? (req.method as ArmMethod) : undefined;
    const op = matched && method ? matched.route.operations[method] : undefined;
    const operation = op?.name ?? "Unknown";

    const apiVersion = req.query.get("api-version");
    if (!apiVersion) return { res: armErrors.missingApiVersion(operation), kind };

    const caller = await authenticateArm(req, ctx, state, operation);
    if (!isArmCaller(caller)) return { res: caller, kind };

    const [root, sub] = segments;
    if (root?.toLowerCase() === "subscriptions" && sub !== undefined) {
      if (!GUID.test(sub)) return { res: armErrors.invalidSubscriptionId(operation, sub), kind };
      if (sub.toLowerCase() !== SANDBOX_SUBSCRIPTION_ID)
        return { res: armErrors.subscriptionNotFound(operation, sub), kind };
    }
    const budget = throttle.take(sub ?? "tenant", kind, ctx.now());
    if (!budget.allowed) {
      const label = kind === "reads" ? "read" : kind === "writes" ? "write" : "delete";
      return {
        res: armErrors.throttled(operation, sub ?? "", label, budget.retryAfterSeconds, caller.oid),
        budget,
        kind,
      };
    }

    if (settleOperations(state, modules, ctx.now())) await ctx.save();

    if (!matched) return { res: unknownRoute(segments, apiVersion, namespaces), budget, kind };
    if (!op || !method) return { res: armErrors.methodNotAllowed(operation, req.method), budget, kind };

    const { route, params } = matched;
    const rg = route.inResourceGroup
      ? findResourceGroup(state, params.subscriptionId ?? "", params.resourceGroupName ?? "")
      : undefined;
    if (route.apiVersions !== "any" && !route.apiVersions.includes(apiVersion)) {
      const res =
        route.versionError === "arm"
          ? armErrors.invalidApiVersion(operation, apiVersion, route.apiVersions)
          : armErrors.noRegisteredProvider(
              operation,
              bodyLocation(req) ?? rg?.location ?? "global",
              apiVersion,
              route.resourceType ?? "",
              route.apiVersions,
            );
      return { res, budget, kind };
    }
    if (route.inResourceGroup && !rg) {
      return { res: armErrors.resourceGroupNotFound(operation, params.resourceGroupName ?? ""), budget, kind };
    }
    // Also the front door's: no writes into a group that is being deleted, whatever the type.
    if (rg?.provisioningState === "Deleting" && (method === "PUT" || method === "PATCH" || method === "POST")) {
      return { res: armErrors.resourceGroupBeingDeleted(operation, rg.name), budget, kind };
    }
    const env: ArmEnv = { ctx, state, durationMs };
    const res = await op.handler({ raw: req, method, apiVersion, params, caller, operation }, env);
    return { res, budget, kind, provider: route.armNative !== true };
  }

  return {
    async handle(req, ctx, state) {
      const { res, budget, kind, provider } = await answer(req, ctx, state);
      return withArmHeaders(res, req, ctx.now(), { kind, budget, provider: provider === true });
    },
  };
}

function match(
  routes: ReadonlyArray<{ route: ArmRoute; segments: string[] }>,
  path: readonly string[],
): { route: ArmRoute; params: Record<string, string> } | null {
  for (const { route, segments } of routes) {
    if (segments.length !== path.length) continue;
    const params: Record<string, string> = {};
    const ok = segments.every((pattern, i) => {
      const actual = path[i] ?? "";
      if (pattern.startsWith("{") && pattern.endsWith("}")) {
        params[pattern.slice(1, -1)] = actual;
        return actual.length > 0;
      }
      return pattern.toLowerCase() === actual.toLowerCase();
    });
    if (ok) return { route, params };
  }
  return null;
}

function unknownRoute(
  segments: readonly string[],
  apiVersion: string,
  namespaces: ReadonlySet<string>,
): SandboxResponse {
  const at = segments.findIndex((s) => s.toLowerCase() === "providers");
  const namespace = at >= 0 ? segments[at + 1] : undefined;
  if (!namespace) return armErrors.notFound("Unknown");
  if (!namespaces.has(namespace.toLowerCase())) return armErrors.invalidResourceNamespace("Unknown", namespace);
  return armErrors.invalidResourceType("Unknown", segments[at + 2] ?? "", namespace, apiVersion);
}

function bodyLocation(req: SandboxRequest): string | undefined {
  if (req.body.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(req.body.toString("utf8"));
    const location = (parsed as { location?: unknown } | null)?.location;
    return typeof location === "string" ? location : undefined;
  } catch {
    return undefined;
  }
}

/**
 * ARM's standard headers. ARM takes the caller's x-ms-correlation-request-id (or makes one up);
 * where ARM answers itself (resource groups, its own errors) x-ms-request-id is that same id, where
 * a resource provider answers it is the provider's own.
 */
export function withArmHeaders(
  res: SandboxResponse,
  req: Pick<SandboxRequest, "headers">,
  nowMs: number,
  opts: { kind?: string; budget?: TakeResult | undefined; provider?: boolean } = {},
): SandboxResponse {
  const { kind, budget, provider = false } = opts;
  const sent = req.headers["x-ms-correlation-request-id"];
  const correlation = (Array.isArray(sent) ? sent[0] : sent) ?? randomUUID();
  const headers: Record<string, string> = {
    "Cache-Control": "no-cache",
    Pragma: "no-cache",
    Expires: "-1",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "x-ms-request-id": provider ? randomUUID() : correlation,
    "x-ms-correlation-request-id": correlation,
    "x-ms-routing-request-id": `EASTUS:${armTimestamp(nowMs)}:${correlation}`,
  };
  if (budget && kind) {
    headers[`x-ms-ratelimit-remaining-subscription-${kind}`] = String(budget.remaining);
    headers[`x-ms-ratelimit-remaining-subscription-global-${kind}`] = String(budget.remaining);
  }
  const body = res.body;
  if (body !== undefined && typeof body === "object" && !Buffer.isBuffer(body)) {
    headers["Content-Type"] = "application/json; charset=utf-8";
  }
  return { ...res, headers: { ...headers, ...res.headers } };
}

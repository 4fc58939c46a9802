import { randomUUID } from "node:crypto";
import type { SandboxResponse } from "../harness/types.js";
import { armError, armErrors } from "./arm-errors.js";
import { armUrl } from "./entra-urls.js";
import type { ArmEnv, ArmModule, ArmRequest, ArmRoute } from "./arm-types.js";
import type { AzureState, OperationError, OperationState } from "./state.js";

/**
 * ARM's two long-running-operation protocols.
 *
 * `location`: the first answer is 202 with `Location` and `Retry-After`; GET on the Location
 * answers 202 (same headers) while running, then the result: 200 with an empty body for a resource
 * group deletion (never 204: the SDK's resource-group delete poller rejects it), 204 for a network
 * deletion. Resource groups' URL is `/subscriptions/<sub>/operationresults/<id>`, at the
 * api-version of the request (real ARM echoes it; the spec example's fixed 2018-08-01 is not what
 * the service sends).
 *
 * `azure-async`: the first answer carries `Azure-AsyncOperation` (a status URL under
 * `/providers/<namespace>/locations/<region>/operations/<id>`), and for deletions also `Location`.
 * GET on the status URL always answers 200 with `{"status": "InProgress" | "Succeeded" | "Failed"
 * | "Canceled"}`; Failed and Canceled carry `error`. Compute's status bodies add `name`,
 * `startTime` and, when done, `endTime`, and its URLs an extra `p=<guid>` parameter.
 *
 * Operations finish by the clock, not by a timer: each records when it is expected done, and every
 * ARM request first settles the operations that are due. So a stopped sandbox leaves no timers
 * behind, a restarted one finishes what was pending, and tests that shift `now()` move operations
 * along with it.
 */

// Finished operations stay pollable this long, as ARM's do.
const KEEP_FINISHED_MS = 24 * 3600_000;

export interface StartOperation {
  /** Default a fresh GUID; resource-group deletions use ARM's job id. */
  readonly id?: string;
  readonly action: "put" | "delete";
  readonly resourceType: string;
  readonly target: string;
  readonly subscriptionId: string;
  readonly style: "location" | "azure-async";
  readonly namespace: string;
  readonly region: string;
  /** The operation name whose duration it takes (LRO_DURATION_MS). */
  readonly durationKey: string;
}

export function startOperation(env: ArmEnv, args: StartOperation): OperationState {
  const id = args.id ?? randomUUID();
  const existing = env.state.operations[id];
  if (existing?.status === "InProgress") return existing;
  const now = env.ctx.now();
  const op: OperationState = {
    id,
    action: args.action,
    resourceType: args.resourceType,
    target: args.target,
    subscriptionId: args.subscriptionId,
    style: args.style,
    namespace: args.namespace,
    region: args.region,
    ...(isCompute(args.namespace) ? { p: randomUUID() } : {}),
    startedAt: new Date(now).toISOString(),
    expectedDoneAt: new Date(now + env.durationMs(args.durationKey)).toISOString(),
    status: "InProgress",
  };
  env.state.operations[id] = op;
  return op;
}

/** The operation still running on a resource, if any. */
export function runningOperation(
  state: AzureState,
  target: string,
  action?: OperationState["action"],
): OperationState | undefined {
  return Object.values(state.operations).find(
    (op) => op.status === "InProgress" && op.target === target && (action === undefined || op.action === action),
  );
}

/** Ends an operation before its time, as when a newer one preempts it. */
export function endOperation(
  op: OperationState,
  status: "Failed" | "Canceled",
  error: OperationError,
  nowMs: number,
): void {
  op.status = status;
  op.error = error;
  op.endedAt = new Date(nowMs).toISOString();
}

/** Finishes every operation whose time has come (all of them when `all`); true if anything changed. */
export function settleOperations(
  state: AzureState,
  modules: readonly ArmModule[],
  nowMs: number,
  all = false,
): boolean {
  let changed = false;
  const due = Object.values(state.operations)
    .filter((op) => op.status === "InProgress" && (all || Date.parse(op.expectedDoneAt) <= nowMs))
    .sort((a, b) => Date.parse(a.expectedDoneAt) - Date.parse(b.expectedDoneAt));
  for (const op of due) {
    const complete = modules.map((m) => m.completers?.[op.resourceType]).find((c) => c !== undefined);
    if (!complete) throw new Error(`no module finishes operations on "${op.resourceType}"`);
    complete(state, op, nowMs);
    if (op.status === "InProgress") op.status = "Succeeded";
    op.endedAt ??= new Date(Math.min(nowMs, Date.parse(op.expectedDoneAt))).toISOString();
    changed = true;
  }
  for (const op of Object.values(state.operations)) {
    if (op.status !== "InProgress" && Date.parse(op.endedAt ?? op.expectedDoneAt) + KEEP_FINISHED_MS < nowMs) {
      delete state.operations[op.id];
      changed = true;
    }
  }
  return changed;
}

/** Headers of the first answer of a long-running operation. */
export function lroHeaders(
  env: ArmEnv,
  op: OperationState,
  apiVersion: string,
  retryAfterSeconds: number,
): Record<string, string> {
  if (op.style === "location") {
    return { Location: locationUrl(env, op, apiVersion), "Retry-After": String(retryAfterSeconds) };
  }
  return {
    "Azure-AsyncOperation": statusUrl(env, op, apiVersion),
    ...(op.action === "delete" ? { Location: locationUrl(env, op, apiVersion) } : {}),
    "Retry-After": String(retryAfterSeconds),
    "Azure-AsyncNotification": "Enabled",
  };
}

/**
 * Retry-After of a poll answer: what is left, in whole seconds, at least 1 and at most what the
 * service says up front. The SDK honours it on polls (not on the first answer) over its own interval.
 */
function pollRetryAfter(env: ArmEnv, op: OperationState, most: number): string {
  const remaining = Math.ceil((Date.parse(op.expectedDoneAt) - env.ctx.now()) / 1000);
  return String(Math.min(most, Math.max(1, remaining)));
}

const isCompute = (namespace: string): boolean => namespace.toLowerCase() === "microsoft.compute";
const isResources = (namespace: string): boolean => namespace.toLowerCase() === "microsoft.resources";

export function statusUrl(env: ArmEnv, op: OperationState, apiVersion: string): string {
  const p = op.p ? `p=${op.p}&` : "";
  return (
    `${armUrl(env.ctx)}/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.region}` +
    `/operations/${op.id}?${p}api-version=${encodeURIComponent(apiVersion)}`
  );
}

function locationUrl(env: ArmEnv, op: OperationState, apiVersion: string): string {
  const version = encodeURIComponent(apiVersion);
  const base = `${armUrl(env.ctx)}/subscriptions/${op.subscriptionId}`;
  if (isResources(op.namespace)) return `${base}/operationresults/${op.id}?api-version=${version}`;
  // Compute's Location is its status URL with monitor=true (the spec example writes the `?` as `&`).
  if (isCompute(op.namespace)) {
    return `${base}/providers/${op.namespace}/locations/${op.region}/operations/${op.id}?p=${op.p ?? ""}&monitor=true&api-version=${version}`;
  }
  return `${base}/providers/${op.namespace}/locations/${op.region}/operationResults/${op.id}?api-version=${version}`;
}

/** Seconds the service asks pollers to wait up front, kept per style for the poll answers. */
const MOST_RETRY_AFTER_S = { location: 15, "azure-async": 10 } as const;

/** A Location poll: 202 while running, then the result. */
function locationPoll(req: ArmRequest, env: ArmEnv, op: OperationState): SandboxResponse {
  if (op.status === "InProgress") {
    return {
      status: 202,
      operation: req.operation,
      headers: {
        Location: locationUrl(env, op, req.apiVersion),
        "Retry-After": pollRetryAfter(env, op, MOST_RETRY_AFTER_S.location),
      },
    };
  }
  if (op.status !== "Succeeded") {
    const error = op.error ?? { code: op.status, message: `The operation ended as ${op.status}.` };
    return armError(409, error.code, error.message, req.operation);
  }
  // Resource groups and compute answer 200 with nothing; the network provider 204.
  const done = isResources(op.namespace) || isCompute(op.namespace) ? 200 : 204;
  return { status: done, operation: req.operation };
}

/** An Azure-AsyncOperation poll: always 200, the status in the body. */
function statusPoll(req: ArmRequest, env: ArmEnv, op: OperationState): SandboxResponse {
  const running = op.status === "InProgress";
  const error = op.status === "Failed" || op.status === "Canceled" ? op.error : undefined;
  const body = isCompute(op.namespace)
    ? {
        startTime: op.startedAt,
        ...(op.endedAt ? { endTime: op.endedAt } : {}),
        status: op.status,
        ...(error ? { error } : {}),
        name: op.id,
      }
    : { status: op.status, ...(error ? { error } : {}) };
  return {
    status: 200,
    operation: req.operation,
    headers: running ? { "Retry-After": pollRetryAfter(env, op, MOST_RETRY_AFTER_S["azure-async"]) } : {},
    body,
  };
}

function findOperation(req: ArmRequest, env: ArmEnv): OperationState | undefined {
  const op = env.state.operations[req.params.operationId ?? ""];
  const sameSub = op?.subscriptionId.toLowerCase() === (req.params.subscriptionId ?? "").toLowerCase();
  const namespace = req.params.namespace;
  const sameNamespace = namespace === undefined || op?.namespace.toLowerCase() === namespace.toLowerCase();
  return op && sameSub && sameNamespace ? op : undefined;
}

/** The poll URLs of every operation, whatever the resource type. */
export const operationRoutes: readonly ArmRoute[] = [
  {
    pattern: "subscriptions/{subscriptionId}/operationresults/{operationId}",
    apiVersions: "any",
    versionError: "arm",
    armNative: true,
    operations: {
      GET: {
        name: "OperationResults_Get",
        handler: (req, env) => {
          const op = findOperation(req, env);
          return op ? locationPoll(req, env, op) : armErrors.notFound(req.operation);
        },
      },
    },
  },
  {
    pattern: "subscriptions/{subscriptionId}/providers/{namespace}/locations/{location}/operations/{operationId}",
    apiVersions: "any",
    versionError: "arm",
    operations: {
      GET: {
        name: "OperationStatus_Get",
        handler: (req, env) => {
          const op = findOperation(req, env);
          if (!op) return armErrors.notFound(req.operation);
          return req.raw.query.get("monitor") === "true" ? locationPoll(req, env, op) : statusPoll(req, env, op);
        },
      },
    },
  },
  {
    pattern: "subscriptions/{subscriptionId}/providers/{namespace}/locations/{location}/operationResults/{operationId}",
    apiVersions: "any",
    versionError: "arm",
    operations: {
      GET: {
        name: "OperationResults_Get",
        handler: (req, env) => {
          const op = findOperation(req, env);
          return op ? locationPoll(req, env, op) : armErrors.notFound(req.operation);
        },
      },
    },
  },
];

import type { SandboxResponse } from "../harness/types.js";
import { armErrors } from "./arm-errors.js";
import { armUrl } from "./entra-urls.js";
import type { ArmEnv, ArmModule, ArmRequest, ArmRoute } from "./arm-types.js";
import type { AzureState, OperationState } from "./state.js";

/**
 * Long-running operations polled through a `Location` URL
 * (`/subscriptions/<sub>/operationresults/<id>?api-version=<the request's>`): 202 with Location and
 * Retry-After while running, then 200 with an empty body and no Location (never 204: the SDK's
 * resource-group delete poller rejects it). Real ARM echoes the api-version the DELETE was sent
 * with (recordings at 2016-09-01, 2017-05-10 and 2021-04-01 all do); the spec example's fixed
 * 2018-08-01 is not what the service sends.
 *
 * Operations finish by the clock, not by a timer: each one records when it is expected done, and
 * every ARM request first settles the operations that are due. So a stopped sandbox leaves no
 * timers behind, a restarted one finishes what was pending, and tests that shift `now()` move
 * operations along with it.
 */

// Real ARM asks resource-group delete pollers to come back after 15 s.
const MAX_RETRY_AFTER_S = 15;
// Finished operations stay pollable this long, as ARM's do.
const KEEP_FINISHED_MS = 24 * 3600_000;

export function startOperation(
  env: ArmEnv,
  args: { id: string; kind: string; target: string; subscriptionId: string; latencyKey: string },
): OperationState {
  const existing = env.state.operations[args.id];
  if (existing && existing.status === "Running") return existing;
  const now = env.ctx.now();
  const op: OperationState = {
    id: args.id,
    kind: args.kind,
    target: args.target,
    subscriptionId: args.subscriptionId,
    startedAt: new Date(now).toISOString(),
    expectedDoneAt: new Date(now + env.expectedMs(args.latencyKey)).toISOString(),
    status: "Running",
  };
  env.state.operations[args.id] = op;
  return op;
}

/** Finishes every operation whose time has come (all of them when `all`); true if anything changed. */
export function settleOperations(
  state: AzureState,
  modules: readonly ArmModule[],
  nowMs: number,
  all = false,
): boolean {
  let changed = false;
  for (const op of Object.values(state.operations)) {
    if (op.status === "Running" && (all || Date.parse(op.expectedDoneAt) <= nowMs)) {
      const complete = modules.map((m) => m.completers?.[op.kind]).find((c) => c !== undefined);
      if (!complete) throw new Error(`no module finishes operations of kind "${op.kind}"`);
      complete(state, op);
      op.status = "Succeeded";
      changed = true;
    } else if (op.status !== "Running" && Date.parse(op.expectedDoneAt) + KEEP_FINISHED_MS < nowMs) {
      delete state.operations[op.id];
      changed = true;
    }
  }
  return changed;
}

export function operationLocation(env: ArmEnv, op: OperationState, apiVersion: string): string {
  return `${armUrl(env.ctx)}/subscriptions/${op.subscriptionId}/operationresults/${op.id}?api-version=${encodeURIComponent(apiVersion)}`;
}

/** Location + Retry-After for a 202 (initial answer or poll), at the api-version of the request. */
export function acceptedResponse(
  env: ArmEnv,
  op: OperationState,
  req: Pick<ArmRequest, "operation" | "apiVersion">,
  write: boolean,
): SandboxResponse {
  const remainingS = Math.ceil((Date.parse(op.expectedDoneAt) - env.ctx.now()) / 1000);
  return {
    status: 202,
    operation: req.operation,
    write,
    headers: {
      Location: operationLocation(env, op, req.apiVersion),
      "Retry-After": String(Math.min(MAX_RETRY_AFTER_S, Math.max(1, remainingS))),
    },
  };
}

export const operationResultsRoute: ArmRoute = {
  pattern: "subscriptions/{subscriptionId}/operationresults/{operationId}",
  apiVersions: "any",
  versionError: "arm",
  operations: {
    GET: {
      name: "OperationResults_Get",
      handler: (req, env) => {
        const op = env.state.operations[req.params.operationId ?? ""];
        if (!op || op.subscriptionId.toLowerCase() !== (req.params.subscriptionId ?? "").toLowerCase()) {
          return Promise.resolve(armErrors.notFound(req.operation));
        }
        if (op.status === "Running") return Promise.resolve(acceptedResponse(env, op, req, false));
        return Promise.resolve({ status: 200, operation: req.operation });
      },
    },
  },
};

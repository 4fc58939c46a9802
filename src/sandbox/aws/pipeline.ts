import type { SandboxRequest, SandboxResponse, ServiceContext } from "../harness/types.js";
import { accessDeniedMessage, isDenied } from "./access.js";
import { authorizeSession } from "./authorize.js";
import type { AwsApi } from "./aws-api.js";
import { ANONYMOUS, authenticate } from "./caller-auth.js";
import { AwsApiError } from "./errors.js";
import { loadAwsState } from "./state.js";

/**
 * The one request pipeline of every emulated AWS API, in the order AWS applies its checks:
 * signature (unless the operation is unsigned), known operation, input, the deny switch, the
 * session's identity policies, then the operation itself. Every failure leaves in the API's own wire shape.
 */
export async function handleAwsRequest<In, Out>(
  api: AwsApi<In, Out>,
  req: SandboxRequest,
  ctx: ServiceContext,
): Promise<SandboxResponse> {
  const { protocol } = api;
  const requestId = protocol.requestId();
  const name = protocol.operationName(req);
  // Own properties only: "toString" or "__proto__" name no operation.
  const operation = name !== undefined && Object.hasOwn(api.operations, name) ? api.operations[name] : undefined;
  const label = name ?? "Unknown";
  const fail = (err: AwsApiError): SandboxResponse => protocol.error(label, requestId, err);
  try {
    const state = loadAwsState(ctx);
    let caller = ANONYMOUS;
    if (!(name !== undefined && api.unsigned.has(name))) {
      const auth = await authenticate(req, api.signingName, state, ctx.now());
      if (!auth.ok) return fail(protocol.authError(auth));
      caller = auth.caller;
    }
    const refusal = protocol.checkOperation(req, name, operation !== undefined);
    if (refusal) return fail(refusal);
    if (!operation) return fail(api.faults.internal());
    const input = protocol.readInput(req);
    const action = operation.action ?? `${api.signingName}:${label}`;
    const resource = operation.resource(input, caller.region, state);
    const named = operation.namesResource === false ? undefined : resource;
    if (!api.neverDenied.has(action) && isDenied(ctx.env, action)) {
      return fail(api.accessDenied(operation.deniedMessage ?? accessDeniedMessage(caller.arn, action, named)));
    }
    // Temporary credentials can do what their role's policies allow; the sandbox's own user, everything.
    if (caller.session && !api.neverDenied.has(action)) {
      const decision = await authorizeSession(state, caller.session, action, resource, caller.region, ctx.now());
      if (!decision.allowed)
        return fail(api.accessDenied(accessDeniedMessage(caller.arn, action, named, decision.reason)));
    }
    const out = await operation.run({
      state,
      input,
      now: ctx.now(),
      region: caller.region,
      callerArn: caller.arn,
      callerUserId: caller.userId,
      caPem: ctx.caPem,
      env: ctx.env,
    });
    if (operation.write || operation.persists) await ctx.save();
    return protocol.success(label, requestId, out, operation.write);
  } catch (err) {
    if (err instanceof AwsApiError) return fail(err);
    return fail(api.faults.internal());
  } finally {
    await ctx.latency(label);
  }
}

/** An injected fault, answered as the API answers a real one (AWS throttles query APIs with a 400). */
export function injectedFault<In, Out>(api: AwsApi<In, Out>, status: 429 | 500 | 503): SandboxResponse {
  const error =
    status === 429 ? api.faults.throttle() : status === 500 ? api.faults.internal() : api.faults.unavailable();
  return api.protocol.error("InjectedFault", api.protocol.requestId(), error);
}

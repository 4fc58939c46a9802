import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { BodyTooLargeError, readSandboxRequest, send, serialise, type WireResponse } from "./http-io.js";
import { journalDetail, type Journal } from "./journal.js";
import type { FaultInjector } from "./faults.js";
import { redactText } from "./redact.js";
import type {
  JournalEntry,
  ListenerSpec,
  SandboxRequest,
  SandboxResponse,
  SandboxService,
  ServiceContext,
} from "./types.js";

export interface DispatchDeps {
  readonly service: SandboxService;
  readonly listener: ListenerSpec;
  readonly ctx: ServiceContext;
  readonly journal: Journal;
  readonly faults: FaultInjector;
  readonly addedLatencyMs: number;
  readonly now: () => number;
  /** After a write response has been sent and journaled. */
  readonly afterWrite: () => Promise<void>;
}

/** Handles one HTTP exchange end to end; never throws, so a bad handler cannot take the server down. */
export async function dispatch(req: IncomingMessage, res: ServerResponse, deps: DispatchDeps): Promise<void> {
  const started = performance.now();
  const time = new Date(deps.now()).toISOString();
  let request: SandboxRequest | undefined;
  let response: SandboxResponse;
  let fault: string | undefined;
  try {
    request = await readSandboxRequest(deps.listener.name, req);
    if (deps.addedLatencyMs > 0) await sleep(deps.addedLatencyMs);
    const injected = deps.faults.pick(deps.listener.name);
    if (injected) {
      fault = `${injected.status}`;
      response = withRetryAfter(
        deps.service.faultResponse(deps.listener.name, injected.status, injected.retryAfterSeconds),
        injected.retryAfterSeconds,
      );
    } else {
      response = await deps.service.handle(request, deps.ctx);
    }
  } catch (err) {
    response = harnessError(err);
  }

  let wire: WireResponse;
  try {
    wire = serialise(response);
  } catch (err) {
    response = harnessError(err);
    wire = serialise(response);
  }
  const entry: JournalEntry = {
    time,
    service: deps.listener.name,
    operation: response.operation,
    method: req.method ?? "GET",
    path: request?.path ?? (req.url ?? "/").split("?")[0] ?? "/",
    status: wire.status,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    write: response.write === true && !fault,
    ...(fault ? { fault } : {}),
    ...(deps.journal.bodies
      ? {
          request: journalDetail({ ...req.headers }, request?.body ?? Buffer.alloc(0)),
          response: journalDetail(wire.headers, wire.body),
        }
      : {}),
  };
  // Journalled before it is answered: when "die after N writes" ends the process, every write a
  // client has seen answered is in the journal, whichever of several concurrent ones came last.
  try {
    await deps.journal.append(entry);
  } catch {
    // A full disk must not turn every emulated call into a failure.
  }
  await send(res, wire);
  if (entry.write) await deps.afterWrite();
}

function withRetryAfter(response: SandboxResponse, seconds: number): SandboxResponse {
  const headers = { ...response.headers };
  const has = Object.keys(headers).some((name) => name.toLowerCase() === "retry-after");
  if (!has) headers["Retry-After"] = String(seconds);
  return { ...response, headers };
}

function harnessError(err: unknown): SandboxResponse {
  if (err instanceof BodyTooLargeError) {
    return { status: 413, operation: "HarnessError", headers: { "content-type": "text/plain" }, body: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    status: 500,
    operation: "HarnessError",
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: `sandbox internal error: ${redactText(message)}\n`,
  };
}

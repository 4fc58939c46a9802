import type { Server } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { errnoOf } from "./safe-file.js";
import { listenLocal } from "./ports.js";
import { SandboxError } from "./sandbox-error.js";

/** One wait before binding a kept port again. */
export interface BindRetry {
  readonly listener: string;
  readonly port: number;
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly delayMs: number;
}

// A sandbox killed a moment ago may still hold its ports while the OS tears the process down.
// Waits of 50 ms growing to 750 ms, about 2 s in all: long enough for that, short enough that a
// port held by a live program fails soon.
export const BIND_RETRY_DELAYS_MS: readonly number[] = [50, 100, 200, 400, 500, 750];

/**
 * Binds a listener to the port it had last time. That port is part of URLs recorded elsewhere
 * (the issuer URL holds the Entra port), so it is never swapped for another one: a port still in
 * use after the retries is an error that names the listener and the port.
 */
export async function listenOnKeptPort(
  server: Server,
  listener: string,
  port: number,
  portsPath: string,
  onRetry?: (retry: BindRetry) => void,
): Promise<number> {
  let inUse: unknown;
  for (let attempt = 0; attempt <= BIND_RETRY_DELAYS_MS.length; attempt++) {
    const delayMs = BIND_RETRY_DELAYS_MS[attempt - 1];
    if (delayMs !== undefined) {
      onRetry?.({ listener, port, attempt, delayMs });
      await sleep(delayMs);
    }
    try {
      return await listenLocal(server, port);
    } catch (err) {
      if (errnoOf(err) !== "EADDRINUSE") throw cannotBind(listener, String(port), err);
      inUse = err;
    }
  }
  throw portInUse(listener, port, portsPath, inUse);
}

/** Binds a listener to a port the OS picks. */
export async function listenOnFreshPort(server: Server, listener: string): Promise<number> {
  try {
    return await listenLocal(server, 0);
  } catch (err) {
    throw cannotBind(listener, "any port", err);
  }
}

function portInUse(listener: string, port: number, portsPath: string, cause: unknown): SandboxError {
  const waited = BIND_RETRY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0) / 1000;
  return new SandboxError(
    "SANDBOX_PORT_IN_USE",
    `sandbox listener "${listener}" cannot bind 127.0.0.1:${port} (kept in ${portsPath}): the port was still in use ` +
      `after ${waited} s of retries, probably by another sandbox running from this folder or another program`,
    `stop whatever listens on port ${port} (another \`oidc-bridge sandbox start\`?); deleting ${portsPath} picks new ` +
      "ports instead, but that changes the issuer URL (run `oidc-bridge sandbox reset` after it)",
    { cause },
  );
}

function cannotBind(listener: string, port: string, cause: unknown): SandboxError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new SandboxError(
    "SANDBOX_BIND_FAILED",
    `sandbox listener "${listener}" cannot bind 127.0.0.1:${port}: ${message}`,
    "check that 127.0.0.1 is available on this machine (the sandbox listens on loopback only)",
    { cause },
  );
}

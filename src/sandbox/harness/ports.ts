import type { Server } from "node:net";
import { readTextIfExists, writeFileAtomic } from "./safe-file.js";
import { SandboxError } from "./sandbox-error.js";

/**
 * Listener ports, chosen free on the first start and kept: issuer URLs and trust policies
 * contain the port, so a restarted sandbox must come back on the same ones.
 */
export type PortMap = Record<string, number>;

export async function loadPorts(path: string): Promise<PortMap> {
  const text = await readTextIfExists(path);
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw corrupt(path, `it is not valid JSON (${(err as Error).message})`, err);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw corrupt(path, "it is not a JSON object of listener names and ports");
  }
  const ports: PortMap = {};
  for (const [name, port] of Object.entries(parsed)) {
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
      throw corrupt(path, `the port of "${name}" is ${JSON.stringify(port)}, not a whole number from 1 to 65535`);
    }
    ports[name] = port as number;
  }
  return ports;
}

function corrupt(path: string, why: string, cause?: unknown): SandboxError {
  return new SandboxError(
    "SANDBOX_PORTS_CORRUPT",
    `the sandbox port file ${path} is damaged: ${why}`,
    `delete ${path} and run \`oidc-bridge sandbox reset\`: the sandbox then picks new ports, and the reset drops ` +
      "resources that still name the old issuer URL",
    cause === undefined ? undefined : { cause },
  );
}

export async function savePorts(path: string, ports: PortMap): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(ports, null, 2)}\n`);
}

/** Listens on 127.0.0.1 only (never all interfaces) and resolves the bound port. */
export function listenLocal(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off("listening", onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off("error", onError);
      const address = server.address();
      if (address && typeof address === "object") resolve(address.port);
      else reject(new Error("listener has no TCP address"));
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen({ port, host: "127.0.0.1", exclusive: true });
  });
}

/** Stops accepting and resolves once every connection is gone (the caller may force them). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

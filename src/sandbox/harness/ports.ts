import { readFile } from "node:fs/promises";
import type { Server } from "node:net";
import { writeFileAtomic } from "../../util/atomic-file.js";

/**
 * Listener ports, chosen free on the first start and kept: issuer URLs and trust policies
 * contain the port, so a restarted sandbox must come back on the same ones.
 */
export type PortMap = Record<string, number>;

export async function loadPorts(path: string): Promise<PortMap> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw err;
  }
  const parsed: unknown = JSON.parse(text);
  const ports: PortMap = {};
  if (parsed && typeof parsed === "object") {
    for (const [name, port] of Object.entries(parsed)) {
      if (Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536) ports[name] = port as number;
    }
  }
  return ports;
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

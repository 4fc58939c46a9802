import { join } from "node:path";

/** The sandbox's folder inside a state folder: CA, ports, cloud state, journal, running.json. */
export function sandboxDir(stateDir: string): string {
  return join(stateDir, "sandbox");
}

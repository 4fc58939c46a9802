import { readSandboxCredentials } from "./credentials.js";
import type { AttachOptions, SandboxHandle } from "./handle.js";
import { sandboxDir } from "./paths.js";
import { findRunning } from "./running-file.js";
import { bypassProxy, trustCa } from "./trust-ca.js";

/**
 * The sandbox `oidc-bridge sandbox start` is serving from this state folder, or undefined. Loads
 * no emulator code: everything it needs is in running.json and the credentials documents.
 */
export async function attachSandbox(stateDir: string, options: AttachOptions = {}): Promise<SandboxHandle | undefined> {
  const dir = sandboxDir(stateDir);
  const info = await findRunning(dir, options.warn);
  if (!info) return undefined;
  const creds = await readSandboxCredentials(dir);
  trustCa(info.caPem);
  bypassProxy();
  return {
    endpoints: { ...info.endpoints },
    caPem: info.caPem,
    dir,
    journalPath: info.journalPath,
    aws: creds.aws,
    azure: creds.azure,
    owned: false,
    pid: info.pid,
    instanceId: info.instanceId,
    async endpoint(name) {
      // The serving process rewrites running.json whenever a long-lived listener opens or closes.
      const now = await findRunning(dir);
      return now?.instanceId === info.instanceId ? now.endpoints[name] : undefined;
    },
    close: () => Promise.resolve(),
  };
}

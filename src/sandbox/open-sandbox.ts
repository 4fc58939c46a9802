import { join } from "node:path";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { startSandbox, type RunningSandbox } from "./harness/index.js";
import { publishRunning, readRunning, unpublishRunning } from "./running-file.js";
import { createAwsService, readAwsSandboxCredentials } from "./aws/index.js";
import { createAzureService, readAzureSandboxSecret } from "./azure/index.js";
import { userError } from "../errors.js";

export interface SandboxHandle {
  readonly endpoints: Readonly<Record<string, string>>;
  readonly caPem: string;
  readonly dir: string;
  readonly journalPath: string;
  readonly aws: { accessKeyId: string; secretAccessKey: string };
  readonly azure: { tenantId: string; clientId: string; clientSecret: string };
  /** True when this process started it (and `close` stops it). */
  readonly owned: boolean;
  /** The process serving it. */
  readonly pid: number;
  close(): Promise<void>;
}

export function sandboxDir(stateDir: string): string {
  return join(stateDir, "sandbox");
}

/**
 * The sandbox for one command: the one `sandbox start` is running, if any, else one started in
 * this process on the same ports as last time (issuer URLs contain the port, so they must not move).
 */
export async function openSandbox(
  stateDir: string,
  env: Readonly<Record<string, string | undefined>>,
  options: { foreground?: boolean } = {},
): Promise<SandboxHandle> {
  const dir = sandboxDir(stateDir);
  const running = options.foreground ? undefined : await readRunning(dir);
  let sandbox: RunningSandbox | undefined;
  let endpoints: Record<string, string>;
  let caPem: string;
  let journalPath: string;
  if (running) {
    ({ endpoints, caPem, journalPath } = running);
  } else {
    sandbox = await startSandbox({ dir, services: [createAwsService(), createAzureService()], env: { ...env } }).catch(
      (err: unknown) => {
        throw userError(
          "SANDBOX_START_FAILED",
          `cannot start the sandbox in ${dir}: ${err instanceof Error ? err.message : String(err)}`,
          "stop the other sandbox using this state folder, or use another --state-dir",
        );
      },
    );
    ({ endpoints, caPem, journalPath } = sandbox);
    if (options.foreground) await publishRunning(dir, { pid: process.pid, endpoints, caPem, journalPath });
  }
  trustCa(caPem);
  bypassProxy();
  const [aws, azure] = await Promise.all([readAwsSandboxCredentials(dir), readAzureSandboxSecret(dir)]);
  return {
    endpoints,
    caPem,
    dir,
    journalPath,
    aws,
    azure,
    owned: sandbox !== undefined,
    pid: running?.pid ?? process.pid,
    async close() {
      if (!sandbox) return;
      if (options.foreground) await unpublishRunning(dir);
      await sandbox.stop();
    },
  };
}

const trusted = new Set<string>();
/**
 * Makes this process trust the sandbox CA for every client at once (MSAL, both ARM client
 * generations, fetch). Needs Node >= 24.5 (tls.setDefaultCACertificates).
 */
function trustCa(caPem: string): void {
  if (trusted.has(caPem)) return;
  if (typeof setDefaultCACertificates !== "function") {
    throw userError(
      "SANDBOX_NODE_TOO_OLD",
      `the sandbox needs Node.js 24.5 or newer to trust its CA in-process (this is ${process.version})`,
      "run oidc-bridge with Node 24 (see README: scripts/use-node24.sh)",
    );
  }
  setDefaultCACertificates([...getCACertificates("default"), caPem]);
  trusted.add(caPem);
}

/**
 * With HTTPS_PROXY set, the Azure SDK sends even 127.0.0.1 to the proxy and silently drops our CA
 * settings; the sandbox is always local, so loopback bypasses any proxy.
 */
function bypassProxy(): void {
  const current = process.env.NO_PROXY ?? process.env.no_proxy ?? "";
  if (current.split(",").some((h) => h.trim() === "127.0.0.1")) return;
  process.env.NO_PROXY = [current, "127.0.0.1", "localhost"].filter((h) => h).join(",");
}

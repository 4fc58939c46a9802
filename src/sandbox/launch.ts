import { unlinkSync } from "node:fs";
import { readSandboxCredentials, type SandboxCredentials } from "./credentials.js";
import { envFilePath, removeEnvFile, writeEnvFile } from "./env-file.js";
import type { LaunchOptions, SandboxHandle } from "./handle.js";
import { isSandboxError, SandboxError } from "./harness/sandbox-error.js";
import { startSandbox, type RunningSandbox } from "./harness/server.js";
import { readSandboxSettings } from "./harness/settings.js";
import { sandboxDir } from "./paths.js";
import {
  findRunning,
  publishRunning,
  unpublishRunning,
  unpublishRunningSync,
  type RunningSandboxInfo,
} from "./running-file.js";
import { bypassProxy, trustCa } from "./trust-ca.js";

/**
 * Starts the sandbox clouds in this process, on the same ports as last time (issuer URLs contain
 * the port, so they must not move). The emulators are loaded here and only here.
 */
export async function launchSandbox(
  stateDir: string,
  env: Readonly<Record<string, string | undefined>>,
  options: LaunchOptions = {},
): Promise<SandboxHandle> {
  const dir = sandboxDir(stateDir);
  // Before anything reads or writes the folder.
  readSandboxSettings(env);
  const other = await findRunning(dir, options.warn);
  if (other) {
    throw new SandboxError(
      "SANDBOX_RUNNING",
      `a sandbox is already running from ${dir} (\`oidc-bridge sandbox start\`, pid ${other.pid})`,
      "use that one (commands with the same --state-dir do so by themselves), or stop it first (Ctrl-C in its terminal)",
    );
  }
  const [{ createAwsService }, { createAzureService }, { createVmService }] = await Promise.all([
    import("./aws/index.js"),
    import("./azure/index.js"),
    import("./vm-service/index.js"),
  ]);
  const azure = createAzureService();
  let published: RunningSandboxInfo | undefined;
  const sandbox = await startSandbox({
    dir,
    // The VMs follow ARM's state, so they start after Azure (and after AWS, whose endpoints they get).
    services: [createAwsService(), azure, createVmService({ dir, azure })],
    env: { ...env },
    // A long-lived listener opened later (a VM's SSH server) must be findable from other terminals.
    onEndpointsChange: async (endpoints) => {
      if (!published) return;
      published = { ...published, endpoints: { ...endpoints } };
      await publishRunning(dir, published);
    },
  }).catch((err: unknown) => {
    throw startFailure(dir, err);
  });

  let envFile: string | undefined;
  // process.exit() (a crash simulation, an uncaught error) skips close(); secrets must not stay.
  const onExit = (): void => {
    unlinkQuietly(envFilePath(dir));
    unpublishRunningSync(dir, sandbox.instanceId);
  };
  const unpublish = async (): Promise<void> => {
    if (!options.publish) return;
    process.off("exit", onExit);
    published = undefined;
    await removeEnvFile(dir);
    await unpublishRunning(dir, sandbox.instanceId);
  };
  let creds: SandboxCredentials;
  try {
    creds = await readSandboxCredentials(dir);
    trustCa(sandbox.caPem);
    bypassProxy();
    if (options.publish) {
      process.on("exit", onExit);
      envFile = await writeEnvFile(dir, sandbox.endpoints, creds);
      published = infoOf(sandbox);
      await publishRunning(dir, published);
    }
  } catch (err) {
    await unpublish();
    await sandbox.stop();
    throw err;
  }
  return {
    // The harness's own object: published dynamic listeners show up in it.
    endpoints: sandbox.endpoints,
    caPem: sandbox.caPem,
    dir,
    journalPath: sandbox.journalPath,
    aws: creds.aws,
    azure: creds.azure,
    owned: true,
    pid: process.pid,
    instanceId: sandbox.instanceId,
    ...(envFile ? { envFile } : {}),
    endpoint: (name) => Promise.resolve(sandbox.endpoints[name]),
    async close() {
      // Unlisted first, so no other command attaches to a sandbox that is going away.
      await unpublish();
      await sandbox.stop();
    },
  };
}

function infoOf(sandbox: RunningSandbox): RunningSandboxInfo {
  return {
    pid: process.pid,
    instanceId: sandbox.instanceId,
    controlUrl: sandbox.controlUrl,
    endpoints: { ...sandbox.endpoints },
    caPem: sandbox.caPem,
    journalPath: sandbox.journalPath,
  };
}

function startFailure(dir: string, err: unknown): SandboxError {
  if (isSandboxError(err)) {
    return new SandboxError(err.code, `cannot start the sandbox in ${dir}: ${err.message}`, err.hint, { cause: err });
  }
  return new SandboxError(
    "SANDBOX_START_FAILED",
    `cannot start the sandbox in ${dir}: ${err instanceof Error ? err.message : String(err)}`,
    "run again with --debug to see the cause",
    { cause: err },
  );
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

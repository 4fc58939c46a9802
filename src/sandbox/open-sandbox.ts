import { attachSandbox } from "./attach.js";
import type { AttachOptions, SandboxHandle } from "./handle.js";
import { readSandboxSettings } from "./harness/settings.js";

export type { SandboxHandle } from "./handle.js";

/**
 * The sandbox for one command: the one `sandbox start` is running, if any, else one started in
 * this process. The switches are checked first, whichever it is, so a typo fails before anything
 * is touched.
 */
export async function openSandbox(
  stateDir: string,
  env: Readonly<Record<string, string | undefined>>,
  options: AttachOptions = {},
): Promise<SandboxHandle> {
  readSandboxSettings(env);
  const attached = await attachSandbox(stateDir, options);
  if (attached) return attached;
  const { launchSandbox } = await import("./launch.js");
  return launchSandbox(stateDir, env, options);
}

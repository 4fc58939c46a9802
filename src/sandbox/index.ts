/**
 * The sandbox's front door: the only module the rest of oidc-bridge imports from src/sandbox/
 * (a lint rule holds both sides to it). Kept small on purpose: the product loads it on every run,
 * so each entry point loads its code when called, and only starting a sandbox loads the emulators.
 */
import type { AttachOptions, LaunchOptions, SandboxHandle } from "./handle.js";
import { readSandboxSettings } from "./harness/settings.js";

export {
  SANDBOX_AWS_ACCOUNT_ID,
  SANDBOX_CLIENT_ID,
  SANDBOX_ENV,
  SANDBOX_SUBSCRIPTION_ID,
  SANDBOX_TENANT_ID,
  CHECKIP_LISTENER,
  SANDBOX_AUDIENCE_APP_ID_URI,
  vmSshListenerName,
} from "./constants.js";
export { SandboxError, isSandboxError, type SandboxErrorCode } from "./harness/sandbox-error.js";
export { sandboxDir } from "./paths.js";
export type { AttachOptions, LaunchOptions, SandboxHandle } from "./handle.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Throws a SandboxError naming the variable, the value and what is allowed, for a bad switch. */
export function checkSandboxSwitches(env: Env): void {
  readSandboxSettings(env);
}

/** The running `sandbox start` of this state folder if there is one, else a sandbox started here. */
export async function openSandbox(stateDir: string, env: Env, options: AttachOptions = {}): Promise<SandboxHandle> {
  return (await import("./open-sandbox.js")).openSandbox(stateDir, env, options);
}

/** The running `sandbox start` of this state folder, or undefined. Loads no emulator code. */
export async function attachSandbox(stateDir: string, options: AttachOptions = {}): Promise<SandboxHandle | undefined> {
  return (await import("./attach.js")).attachSandbox(stateDir, options);
}

/** Starts a sandbox in this process (`publish`: for other terminals too, as `sandbox start` does). */
export async function launchSandbox(stateDir: string, env: Env, options: LaunchOptions = {}): Promise<SandboxHandle> {
  return (await import("./launch.js")).launchSandbox(stateDir, env, options);
}

/** Empties the sandbox clouds, keeping the CA and the ports. */
export async function resetSandbox(stateDir: string, options: AttachOptions = {}): Promise<{ removed: string[] }> {
  return (await import("./reset.js")).resetSandbox(stateDir, options);
}

import { resolve } from "node:path";
import { loadConfig, type ConfigFlags } from "../config/load-config.js";
import type { Config } from "../config/schema.js";
import { configFlags, type CommandContext } from "../context.js";
import { checkSandboxEnv } from "../cloud/sandbox-failure.js";
import { openCloudSession, type CloudSession } from "../cloud/session.js";
import { StateStore } from "../state/store.js";

/** The config, validated first, and the state folder: what every command that reaches a cloud needs. */
export async function loadRunConfig(
  ctx: CommandContext,
  flags: ConfigFlags = {},
): Promise<{ config: Config; stateDir: string }> {
  const { config } = await loadConfig({
    cwd: ctx.io.cwd,
    file: ctx.globals.config,
    sandbox: ctx.globals.sandbox,
    env: ctx.io.env,
    flags: { ...configFlags(ctx.globals), ...flags },
  });
  // A bad sandbox switch fails before the state folder is made.
  if (ctx.globals.sandbox) checkSandboxEnv(ctx.io.env);
  return { config, stateDir: resolve(ctx.io.cwd, ctx.globals.stateDir) };
}

/** The clouds, real or sandbox (a running `sandbox start` is used and said so). */
export async function openSession(ctx: CommandContext, config: Config, stateDir: string): Promise<CloudSession> {
  const { reporter } = ctx;
  const session = await reporter.step(ctx.globals.sandbox ? "open the sandbox clouds" : "prepare cloud clients", () =>
    openCloudSession({
      config,
      sandbox: ctx.globals.sandbox,
      stateDir,
      env: ctx.io.env,
      warn: (message) => reporter.warn(message),
    }),
  );
  if (session.sandbox && !session.sandbox.owned)
    reporter.info(`using the running sandbox (pid ${session.sandbox.pid})`);
  return session;
}

/** The state file under its lock, for the command's lifetime (the caller closes it). */
export function openStore(ctx: CommandContext, stateDir: string): Promise<StateStore> {
  return StateStore.open({
    dir: stateDir,
    target: ctx.globals.sandbox ? "sandbox" : "cloud",
    command: ctx.commandLine,
    warn: (message) => ctx.reporter.warn(message),
  });
}

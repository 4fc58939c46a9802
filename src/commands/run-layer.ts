import { resolve } from "node:path";
import { loadConfig } from "../config/load-config.js";
import { configFlags, type CommandContext } from "../context.js";
import { StateStore } from "../state/store.js";
import { openCloudSession, type CloudSession } from "../cloud/session.js";
import type { Config } from "../config/schema.js";

export interface Deployment {
  readonly config: Config;
  readonly store: StateStore;
  readonly session: CloudSession;
}

/**
 * The frame of every command that changes the clouds: config validated first (before any lock or
 * call), then the state lock, then the clouds; all released in reverse order whatever happens.
 */
export async function withDeployment<T>(
  ctx: CommandContext,
  run: (deployment: Deployment) => Promise<T>,
  /** Checks on the state that need no cloud: a failure here starts no sandbox and calls nothing. */
  precheck?: (store: StateStore) => void,
): Promise<T> {
  const { config } = await loadConfig({
    cwd: ctx.io.cwd,
    file: ctx.globals.config,
    sandbox: ctx.globals.sandbox,
    env: ctx.io.env,
    flags: configFlags(ctx.globals),
  });
  const stateDir = resolve(ctx.io.cwd, ctx.globals.stateDir);
  const store = await StateStore.open({
    dir: stateDir,
    target: ctx.globals.sandbox ? "sandbox" : "cloud",
    command: ctx.commandLine,
    warn: (message) => ctx.reporter.warn(message),
  });
  try {
    precheck?.(store);
    const session = await ctx.reporter.step(
      ctx.globals.sandbox ? "open the sandbox clouds" : "prepare cloud clients",
      () => openCloudSession({ config, sandbox: ctx.globals.sandbox, stateDir, env: ctx.io.env }),
    );
    if (session.sandbox && !session.sandbox.owned)
      ctx.reporter.info(`using the running sandbox (pid ${session.sandbox.pid})`);
    try {
      return await run({ config, store, session });
    } finally {
      await session.close();
    }
  } finally {
    await store.close();
  }
}

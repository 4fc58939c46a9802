import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { CommandContext } from "../context.js";
import { acquireLock } from "../state/lock.js";
import { ensurePrivateDir } from "../util/atomic-file.js";
import { readState, STATE_FILE } from "../state/store.js";
import { userError } from "../errors.js";
import { resetSandbox } from "../sandbox/index.js";
import { viaSandbox } from "../cloud/sandbox-failure.js";

/**
 * Empties the sandbox clouds. Keeps the CA and ports (so anything that trusts them still works),
 * and forgets the sandbox deployment's state, which would otherwise point at vanished resources.
 */
export async function sandboxReset(ctx: CommandContext): Promise<void> {
  const stateDir = resolve(ctx.io.cwd, ctx.globals.stateDir);
  await ensurePrivateDir(stateDir);
  const lock = await acquireLock(
    stateDir,
    { pid: process.pid, startedAt: new Date().toISOString(), command: ctx.commandLine },
    (m) => ctx.reporter.warn(m),
  );
  try {
    const state = await readState(stateDir).catch(() => undefined);
    if (state && state.target !== "sandbox") {
      throw userError(
        "SANDBOX_RESET_REAL_STATE",
        `${stateDir} holds a deployment in the real clouds; sandbox reset will not touch it`,
        "pass the --state-dir of the sandbox deployment",
      );
    }
    const { removed } = await viaSandbox(() =>
      resetSandbox(stateDir, { warn: (message) => ctx.reporter.warn(message) }),
    );
    if (state) {
      await rm(join(stateDir, STATE_FILE), { force: true });
      await rm(join(stateDir, `${STATE_FILE}.bak`), { force: true });
    }
    ctx.reporter.result(
      `sandbox emptied (${removed.length} file(s) removed${state ? ", sandbox deployment state forgotten" : ""})`,
      { removed, stateForgotten: Boolean(state) },
    );
  } finally {
    await lock.release();
  }
}

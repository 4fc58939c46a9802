import { loadConfig } from "../config/load-config.js";
import { configFlags, type CommandContext } from "../context.js";

/** Validates the resolved config; every problem is reported at once by loadConfig. */
export async function configCheck(ctx: CommandContext): Promise<void> {
  const { config, source } = await loadConfig({
    cwd: ctx.io.cwd,
    file: ctx.globals.config,
    sandbox: ctx.globals.sandbox,
    env: ctx.io.env,
    flags: configFlags(ctx.globals),
  });
  ctx.reporter.result(`config ok (${source})`, { source, config });
}

import { resolve, join } from "node:path";
import { once } from "node:events";
import type { CommandContext } from "../context.js";
import { launchSandbox } from "../sandbox/index.js";
import { viaSandbox } from "../cloud/sandbox-failure.js";

/**
 * Runs the sandbox in the foreground until interrupted, so other tools (the AWS CLI, an Azure SDK
 * script, another oidc-bridge command) can use it. Credentials go to a 0600 file (env.sh) that
 * lives as long as the sandbox, never to the terminal.
 */
export async function sandboxStart(ctx: CommandContext): Promise<void> {
  const stateDir = resolve(ctx.io.cwd, ctx.globals.stateDir);
  const sandbox = await viaSandbox(() =>
    launchSandbox(stateDir, ctx.io.env, { publish: true, warn: (message) => ctx.reporter.warn(message) }),
  );
  try {
    const caFile = join(sandbox.dir, "ca", "root-ca.pem");
    for (const [name, url] of Object.entries(sandbox.endpoints)) ctx.reporter.info(`${name.padEnd(11)} ${url}`);
    ctx.reporter.info(`CA          ${caFile}`);
    ctx.reporter.info(`journal     ${sandbox.journalPath}`);
    ctx.reporter.result(
      `sandbox running (pid ${process.pid}); credentials: source ${sandbox.envFile}; stop with Ctrl-C`,
      {
        pid: process.pid,
        endpoints: sandbox.endpoints,
        caFile,
        envFile: sandbox.envFile,
        journal: sandbox.journalPath,
      },
    );
    // A closed terminal (SIGHUP) must clean up as Ctrl-C does: env.sh holds the sandbox's secrets.
    await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM"), once(process, "SIGHUP")]);
  } finally {
    await sandbox.close();
  }
}

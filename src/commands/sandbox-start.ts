import { resolve, join } from "node:path";
import { once } from "node:events";
import type { CommandContext } from "../context.js";
import { writeFileAtomic } from "../util/atomic-file.js";

/**
 * Runs the sandbox in the foreground until interrupted, so other tools (the AWS CLI, an Azure SDK
 * script, another oidc-bridge command) can use it. Credentials go to a 0600 file, never to the
 * terminal.
 */
export async function sandboxStart(ctx: CommandContext): Promise<void> {
  const { openSandbox } = await import("../sandbox/open-sandbox.js");
  const stateDir = resolve(ctx.io.cwd, ctx.globals.stateDir);
  const sandbox = await openSandbox(stateDir, ctx.io.env, { foreground: true });
  try {
    const caFile = join(sandbox.dir, "ca", "root-ca.pem");
    const envFile = join(sandbox.dir, "env.sh");
    await writeFileAtomic(
      envFile,
      [
        "# Source this file to point the AWS and Azure tools at the oidc-bridge sandbox.",
        `export AWS_ACCESS_KEY_ID='${sandbox.aws.accessKeyId}'`,
        `export AWS_SECRET_ACCESS_KEY='${sandbox.aws.secretAccessKey}'`,
        "export AWS_REGION='eu-central-1'",
        `export AWS_ENDPOINT_URL_IAM='${sandbox.endpoints.iam}'`,
        `export AWS_ENDPOINT_URL_STS='${sandbox.endpoints.sts}'`,
        `export AWS_ENDPOINT_URL_SSM='${sandbox.endpoints.ssm}'`,
        `export AZURE_TENANT_ID='${sandbox.azure.tenantId}'`,
        `export AZURE_CLIENT_ID='${sandbox.azure.clientId}'`,
        `export AZURE_CLIENT_SECRET='${sandbox.azure.clientSecret}'`,
        `export AZURE_AUTHORITY_HOST='${sandbox.endpoints.entra}'`,
        `export OIDC_BRIDGE_SANDBOX_ARM='${sandbox.endpoints.arm}'`,
        `export NODE_EXTRA_CA_CERTS='${caFile}'`,
        `export AWS_CA_BUNDLE='${caFile}'`,
        "",
      ].join("\n"),
    );
    for (const [name, url] of Object.entries(sandbox.endpoints)) ctx.reporter.info(`${name.padEnd(11)} ${url}`);
    ctx.reporter.info(`CA          ${caFile}`);
    ctx.reporter.info(`journal     ${sandbox.journalPath}`);
    ctx.reporter.result(`sandbox running (pid ${process.pid}); credentials: source ${envFile}; stop with Ctrl-C`, {
      pid: process.pid,
      endpoints: sandbox.endpoints,
      caFile,
      envFile,
      journal: sandbox.journalPath,
    });
    await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
  } finally {
    await sandbox.close();
  }
}

import { join } from "node:path";
import type { SandboxCredentials } from "./credentials.js";
import { removeFile, writeFileAtomic } from "./harness/safe-file.js";

export function envFilePath(dir: string): string {
  return join(dir, "env.sh");
}

/**
 * Writes `env.sh` (0600): source it to point the AWS and Azure tools at the sandbox. It holds the
 * sandbox's secrets, so it exists only while `sandbox start` runs.
 */
export async function writeEnvFile(
  dir: string,
  endpoints: Readonly<Record<string, string>>,
  creds: SandboxCredentials,
): Promise<string> {
  const path = envFilePath(dir);
  const caFile = join(dir, "ca", "root-ca.pem");
  const lines = [
    "# Source this file to point the AWS and Azure tools at the oidc-bridge sandbox.",
    `export AWS_ACCESS_KEY_ID=${quote(creds.aws.accessKeyId)}`,
    `export AWS_SECRET_ACCESS_KEY=${quote(creds.aws.secretAccessKey)}`,
    "export AWS_REGION='eu-central-1'",
    `export AWS_ENDPOINT_URL_IAM=${quote(endpoints.iam)}`,
    `export AWS_ENDPOINT_URL_STS=${quote(endpoints.sts)}`,
    `export AWS_ENDPOINT_URL_SSM=${quote(endpoints.ssm)}`,
    `export AZURE_TENANT_ID=${quote(creds.azure.tenantId)}`,
    `export AZURE_CLIENT_ID=${quote(creds.azure.clientId)}`,
    `export AZURE_CLIENT_SECRET=${quote(creds.azure.clientSecret)}`,
    `export AZURE_AUTHORITY_HOST=${quote(endpoints.entra)}`,
    `export OIDC_BRIDGE_SANDBOX_ARM=${quote(endpoints.arm)}`,
    `export NODE_EXTRA_CA_CERTS=${quote(caFile)}`,
    `export AWS_CA_BUNDLE=${quote(caFile)}`,
    "",
  ];
  await writeFileAtomic(path, lines.join("\n"));
  return path;
}

export async function removeEnvFile(dir: string): Promise<void> {
  await removeFile(envFilePath(dir));
}

/** Single-quoted for sh; a folder name with a quote in it must not break out of the string. */
function quote(value: string | undefined): string {
  return `'${(value ?? "").replaceAll("'", `'\\''`)}'`;
}

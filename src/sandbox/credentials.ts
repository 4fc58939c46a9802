import { join } from "node:path";
import type { AwsState } from "./aws/state.js";
import type { AzureState } from "./azure/state.js";
import { SANDBOX_CLIENT_ID, SANDBOX_TENANT_ID } from "./constants.js";
import { readTextIfExists } from "./harness/safe-file.js";
import { SandboxError } from "./harness/sandbox-error.js";

export interface SandboxCredentials {
  readonly aws: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly azure: { readonly tenantId: string; readonly clientId: string; readonly clientSecret: string };
}

/**
 * The credentials the CLI signs in with, read from the state documents the emulators write when
 * they first start (`aws.json`, `azure.json`, 0600). Read here, with type-only imports, so that a
 * command attaching to a sandbox in another terminal loads no emulator code.
 */
export async function readSandboxCredentials(dir: string): Promise<SandboxCredentials> {
  const [aws, azure] = await Promise.all([
    readDocument<Partial<AwsState>>(join(dir, "aws.json")),
    readDocument<Partial<AzureState>>(join(dir, "azure.json")),
  ]);
  const keys = aws.doc.credentials;
  if (!keys?.accessKeyId || !keys.secretAccessKey) throw missing(aws.path, "the AWS sandbox access key");
  const sp = azure.doc.servicePrincipal;
  if (!sp?.clientSecret) throw missing(azure.path, "the Azure sandbox service principal's secret");
  return {
    aws: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
    azure: { tenantId: SANDBOX_TENANT_ID, clientId: sp.clientId || SANDBOX_CLIENT_ID, clientSecret: sp.clientSecret },
  };
}

async function readDocument<T>(path: string): Promise<{ path: string; doc: T }> {
  const text = await readTextIfExists(path);
  if (text === undefined) throw missing(path, "the sandbox's credentials");
  try {
    return { path, doc: JSON.parse(text) as T };
  } catch (err) {
    throw new SandboxError(
      "SANDBOX_STATE_CORRUPT",
      `sandbox state file ${path} is not valid JSON (${(err as Error).message})`,
      "run `oidc-bridge sandbox reset` to empty the sandbox clouds (or fix the file by hand)",
      { cause: err },
    );
  }
}

function missing(path: string, what: string): SandboxError {
  return new SandboxError(
    "SANDBOX_NO_CREDENTIALS",
    `${path} holds no ${what}`,
    "start the sandbox once (any `--sandbox` command does) so that it creates them",
  );
}

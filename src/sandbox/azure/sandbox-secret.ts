import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { SANDBOX_CLIENT_ID, SANDBOX_TENANT_ID } from "../constants.js";
import type { AzureState } from "./state.js";

export interface AzureSandboxSecret {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * The credentials the CLI signs in with under `--sandbox`: read from the Azure service's state
 * document (`<dir>/azure.json`), which a sandbox writes when it first starts.
 */
export async function readAzureSandboxSecret(dir: string): Promise<AzureSandboxSecret> {
  const path = join(dir, "azure.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(`no Azure sandbox state at ${path}: start the sandbox first`, { cause: err });
    }
    throw err;
  }
  const doc = JSON.parse(text) as Partial<AzureState>;
  const sp = doc.servicePrincipal;
  if (!sp?.clientSecret)
    throw new Error(`${path} holds no service principal secret: start the sandbox once to create it`);
  return { tenantId: SANDBOX_TENANT_ID, clientId: sp.clientId || SANDBOX_CLIENT_ID, clientSecret: sp.clientSecret };
}

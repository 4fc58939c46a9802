import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface Inventory {
  readonly providers: Record<string, { clientIds: string[]; thumbprints: string[] }>;
  readonly roles: string[];
  /** Parameter name → latest value, every region. */
  readonly parameters: Record<string, string>;
  /** ARM ids (as the sandbox keys them) of every resource group and resource. */
  readonly azure: string[];
}

/** What the sandbox clouds hold, read from their persisted documents (the sandbox must be stopped). */
export async function sandboxInventory(stateDir: string): Promise<Inventory> {
  const dir = join(stateDir, "sandbox");
  const aws = JSON.parse(await readFile(join(dir, "aws.json"), "utf8")) as {
    oidcProviders?: Record<string, { clientIds: string[]; thumbprints: string[] }>;
    roles?: Record<string, unknown>;
    parameters?: Record<string, Record<string, { versions: Array<{ value: string }> }>>;
  };
  const azure = JSON.parse(await readFile(join(dir, "azure.json"), "utf8")) as { resources?: Record<string, unknown> };
  const parameters: Record<string, string> = {};
  for (const region of Object.values(aws.parameters ?? {})) {
    for (const [name, p] of Object.entries(region)) parameters[name] = p.versions.at(-1)?.value ?? "";
  }
  return {
    providers: aws.oidcProviders ?? {},
    roles: Object.keys(aws.roles ?? {}),
    parameters,
    azure: Object.keys(azure.resources ?? {}),
  };
}

export const EMPTY_INVENTORY: Inventory = { providers: {}, roles: [], parameters: {}, azure: [] };

import type { Config } from "../../config/schema.js";

/** The ARM id a resource of ours will have, for the intent recorded before creating it. */
export function armId(config: Config, type: string, ...names: string[]): string {
  const [provider, ...types] = type.split("/");
  const path = types.map((t, i) => `${t}/${names[i] ?? ""}`).join("/");
  return `/subscriptions/${config.azure.subscriptionId ?? ""}/resourceGroups/${config.azure.resourceGroup}/providers/${provider}/${path}`;
}

export const sameArmId = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

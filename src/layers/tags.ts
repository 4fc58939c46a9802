import type { Config } from "../config/schema.js";

export const MANAGED_BY_KEY = "managed-by";
export const MANAGED_BY_VALUE = "oidc-bridge";
export const DEPLOYMENT_KEY = "oidc-bridge-deployment";

/** The tags on everything we create: the user's, then ours (ours win, they identify the owner). */
export function ownedTags(config: Config, deploymentId: string): Record<string, string> {
  return { ...config.tags, [MANAGED_BY_KEY]: MANAGED_BY_VALUE, [DEPLOYMENT_KEY]: deploymentId };
}

/** Whether tags say this deployment created the resource (state may have been lost since). */
export function taggedAsOurs(tags: Readonly<Record<string, string>>, deploymentId: string): boolean {
  return tags[MANAGED_BY_KEY] === MANAGED_BY_VALUE && tags[DEPLOYMENT_KEY] === deploymentId;
}

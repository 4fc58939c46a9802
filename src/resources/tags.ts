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

export type Ownership =
  /** In the state file, ready: nothing to adopt. */
  | { readonly how: "recorded"; readonly createdByUs: boolean }
  /** Our intent was recorded, then the run stopped before recording the result. */
  | { readonly how: "intent"; readonly createdByUs: true }
  /** Not in the state file, but our deployment's tags are on it. */
  | { readonly how: "tags"; readonly createdByUs: true }
  /** Someone else's: used, never deleted. */
  | { readonly how: "foreign"; readonly createdByUs: false };

/** Whose a resource that exists is, from the state file first, then from its tags. */
export function ownershipOf(
  record: { readonly status: "intended" | "ready"; readonly createdByUs: boolean } | undefined,
  tags: Readonly<Record<string, string>> | undefined,
  deploymentId: string,
): Ownership {
  if (record?.status === "ready") return { how: "recorded", createdByUs: record.createdByUs };
  if (record?.status === "intended") return { how: "intent", createdByUs: true };
  if (tags && taggedAsOurs(tags, deploymentId)) return { how: "tags", createdByUs: true };
  return { how: "foreign", createdByUs: false };
}

export function adoptReason(ownership: Ownership): string {
  switch (ownership.how) {
    case "intent":
      return "created by an interrupted run of this deployment (its intent was recorded): recorded as ours";
    case "tags":
      return "created by this deployment (its tags say so) but missing from the state file: recorded again";
    default:
      return "exists and was not created by this deployment: used as is, and `destroy` will leave it alone";
  }
}

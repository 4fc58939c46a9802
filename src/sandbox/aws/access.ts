import { SANDBOX_ENV } from "../constants.js";

/**
 * The sandbox's permission switch: SANDBOX_ENV.deny lists actions the signed-in identity is not
 * allowed to call ("iam:CreateRole", "iam:*", "ssm:Put*", "*"), so that callers can rehearse
 * AccessDenied without a real restricted user.
 */
export function deniedActions(env: Readonly<Record<string, string | undefined>>): string[] {
  return (env[SANDBOX_ENV.deny] ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function glob(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i").test(value);
}

export function isDenied(env: Readonly<Record<string, string | undefined>>, action: string): boolean {
  return deniedActions(env).some((pattern) => glob(pattern, action));
}

/** Why a call was refused: no identity policy allowed it, one denied it, or the boundary did not allow it. */
export type DenialReason = "identity" | "explicit" | "boundary";

const BECAUSE: Record<DenialReason, (action: string) => string> = {
  identity: (action) => `because no identity-based policy allows the ${action} action`,
  explicit: () => "with an explicit deny in an identity-based policy",
  boundary: (action) => `because no permissions boundary allows the ${action} action`,
};

/**
 * IAM's wording for a refused call, with the caller and resource named. Actions that have no
 * resource type (s3:ListAllMyBuckets) name none, as AWS's messages for them do.
 */
export function accessDeniedMessage(
  callerArn: string,
  action: string,
  resource: string | undefined,
  reason: DenialReason = "identity",
): string {
  const on = resource === undefined ? "" : ` on resource: ${resource}`;
  return `User: ${callerArn} is not authorized to perform: ${action}${on} ${BECAUSE[reason](action)}`;
}

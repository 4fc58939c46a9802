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

/** IAM's wording for an identity-policy miss, with the caller and resource named. */
export function accessDeniedMessage(callerArn: string, action: string, resource: string): string {
  return `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
}

import { armError } from "./arm-errors.js";

/** What the compute resource provider's types share. */

// The package sends 2026-04-01; older versions stay accepted, as CRP keeps them.
export const COMPUTE_API_VERSIONS: readonly string[] = [
  "2026-04-01",
  "2025-04-01",
  "2024-11-01",
  "2024-07-01",
  "2024-03-01",
  "2023-09-01",
  "2023-07-01",
  "2023-03-01",
  "2022-11-01",
  "2022-08-01",
];
export const COMPUTE = "Microsoft.Compute";
export const VM_TYPE = `${COMPUTE}/virtualMachines`;
export const SSH_KEY_TYPE = `${COMPUTE}/sshPublicKeys`;

/** CRP's usual 400: `InvalidParameter` naming the offending property in `target`. */
export function invalidParameter(operation: string, target: string, message?: string) {
  return armError(400, "InvalidParameter", message ?? `The value of parameter ${target} is invalid.`, operation, {
    target,
  });
}

/** CRP's answer when a required member is absent. */
export function requiredParameter(operation: string, target: string) {
  return armError(400, "InvalidParameter", `Required parameter '${target}' is missing (null).`, operation, { target });
}

/** The Azure cloud of the sandbox (Entra + ARM); see service.ts. */
export { createAzureService, rotateSigningKeys, SANDBOX_SP_OBJECT_ID, type AzureSandboxService } from "./service.js";
export { AZURE_LATENCY_MS, LRO_DURATION_MS } from "./durations.js";
export { readAzureSandboxSecret, type AzureSandboxSecret } from "./sandbox-secret.js";
export { issueToken, type TokenRequest, type IssuedToken } from "./token-issuer.js";
export { RETIRED_KEY_PUBLISHED_MS, type RotationResult, type PublicJwk } from "./signing-keys.js";
export { ARM_AUDIENCES } from "./arm-auth.js";
export { ENTRA_LISTENER, ISSUER_LISTENER } from "./entra-urls.js";
export { findIdentity, identityId, type IdentityInfo } from "./identities.js";
export type { ArmModule, ArmRoute, ArmRequest, ArmEnv } from "./arm-types.js";
export type { VirtualMachineEvent, VirtualMachineInfo } from "./compute-vms.js";
export { checkSshPublicKey } from "./ssh-public-key.js";
export { isKnownResource } from "./entra-resources.js";

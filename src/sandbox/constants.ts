/**
 * Fixed identities of the sandbox clouds. Fixed so that state files, docs and tests agree across
 * runs; the secrets that go with them are generated per sandbox and kept in its folder (0600).
 */
export const SANDBOX_TENANT_ID = "5f0c7e1a-3b2d-4c8e-9a61-0d4b2e7f9c13";
export const SANDBOX_SUBSCRIPTION_ID = "8a2e4c6f-1d3b-4f5a-8c7e-9b0d2f4a6c81";
/** The service principal the CLI signs in as under `--sandbox` (ClientSecretCredential). */
export const SANDBOX_CLIENT_ID = "0e6f8a2c-4b1d-4e3f-a5c7-2d9b1f3e5a70";
export const SANDBOX_AWS_ACCOUNT_ID = "123456789012";
export const SANDBOX_AWS_PARTITION = "aws";
/** Environment switches read by the sandbox (documented in README). */
export const SANDBOX_ENV = {
  profile: "OIDC_BRIDGE_SANDBOX_PROFILE", // fast | realistic
  latencyScale: "OIDC_BRIDGE_SANDBOX_LATENCY_SCALE", // realistic durations x this (default 1)
  addedLatencyMs: "OIDC_BRIDGE_SANDBOX_ADDED_LATENCY_MS",
  faultRate: "OIDC_BRIDGE_SANDBOX_FAULT_RATE", // 0..1
  faultStatus: "OIDC_BRIDGE_SANDBOX_FAULT_STATUS", // 429 | 500 | 503 (default 429)
  faultRetryAfter: "OIDC_BRIDGE_SANDBOX_FAULT_RETRY_AFTER", // seconds (default 1)
  faultServices: "OIDC_BRIDGE_SANDBOX_FAULT_SERVICES", // comma list of listener names (default all)
  faultSeed: "OIDC_BRIDGE_SANDBOX_FAULT_SEED", // integer: the same faults on every run
  dieAfterWrites: "OIDC_BRIDGE_SANDBOX_DIE_AFTER_WRITES", // exit the process after N writes
  journalBodies: "OIDC_BRIDGE_SANDBOX_JOURNAL_BODIES", // 1: also headers and bodies, redacted
  deny: "OIDC_BRIDGE_SANDBOX_DENY", // comma list of "iam:CreateRole", "iam:*", "*": AccessDenied
  vmAws: "OIDC_BRIDGE_SANDBOX_VM_AWS", // standin | host | auto (default): the aws a sandbox VM runs
  rolePropagationMs: "OIDC_BRIDGE_SANDBOX_ROLE_PROPAGATION_MS", // a new role is not assumable for N ms (default 0)
} as const;

/** The what-is-my-IP endpoint of the sandbox (as https://checkip.amazonaws.com). */
export const CHECKIP_LISTENER = "checkip";

/** The listener of the SSH server of the sandbox VM whose public IP this is: `tcp://127.0.0.1:<port>`. */
export function vmSshListenerName(publicIp: string): string {
  return `ssh@${publicIp}`;
}

/**
 * The instance metadata service of the sandbox VM with this vmId: `http://127.0.0.1:<port>`, the
 * base URL a VM's commands get as IMDS_ENDPOINT (in Azure, http://169.254.169.254).
 */
export function vmImdsListenerName(vmId: string): string {
  return `imds@${vmId}`;
}

/**
 * The application the sandbox directory holds so that tokens can be asked for a dedicated
 * audience, as one registers an app for AWS in a real tenant: Entra and IMDS issue tokens for its
 * application ID URI (and for `api://<client id>`, Entra's default URI form).
 */
export const SANDBOX_AUDIENCE_APP_ID_URI = "api://oidc-bridge";
export const SANDBOX_AUDIENCE_APP_CLIENT_ID = "3b7d1f5e-8c2a-4e6b-9d0f-1a3c5e7b9d24";

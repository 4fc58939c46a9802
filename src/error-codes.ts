/**
 * Every error code oidc-bridge reports, in one list: whose fault it is and the exit code. Exit 2
 * means "change the command line or the config"; 1 means the run failed for another reason (a
 * cloud said no, the state needs attention, a bug). The README's table is this list.
 */
export const ERROR_CODES = {
  USAGE: { fault: "user", exit: 2, meaning: "a flag or argument is wrong" },
  CONFIG_INVALID: { fault: "user", exit: 2, meaning: "the config breaks a rule; every problem is listed" },
  CONFIG_NOT_JSON: { fault: "user", exit: 2, meaning: "the config file is not JSON" },
  CONFIG_NOT_OBJECT: { fault: "user", exit: 2, meaning: "the config file is not a JSON object" },
  CONFIG_UNREADABLE: { fault: "user", exit: 2, meaning: "the config file cannot be read" },
  CONFIG_NOT_A_FILE: { fault: "user", exit: 2, meaning: "the config path is a FIFO, device or folder, not a file" },
  CONFIG_TOO_LARGE: { fault: "user", exit: 2, meaning: "the config file is larger than any config (1 MiB)" },
  CONFIG_DUPLICATE_KEY: { fault: "user", exit: 2, meaning: "the config file gives a key twice" },
  CONFIG_TOO_DEEP: { fault: "user", exit: 2, meaning: "the config file nests deeper than any config" },
  TENANT_INVALID: { fault: "user", exit: 2, meaning: "the tenant id is not a GUID" },
  POLICY_NOT_FOUND: { fault: "user", exit: 2, meaning: "a managed policy in aws.managedPolicies does not exist" },
  AZURE_NO_SUBSCRIPTION: { fault: "user", exit: 2, meaning: "no Azure subscription is configured" },
  AZURE_NO_TENANT: { fault: "user", exit: 2, meaning: "the Azure token names no tenant; set azure.tenantId" },
  LAYER_MISSING: {
    fault: "user",
    exit: 2,
    meaning: "an earlier layer must be built first (the hint names the command)",
  },
  DESTROY_NEEDS_YES: {
    fault: "user",
    exit: 2,
    meaning: "`destroy` not on a terminal and without --yes: nothing asked, nothing deleted",
  },
  UNSAFE_DIRECTORY: { fault: "user", exit: 2, meaning: "the state folder is not a safe private folder" },
  STATE_DIR_NOT_FOLDER: { fault: "user", exit: 2, meaning: "--state-dir (or a part of it) is a file or device" },
  STATE_DIR_TOO_OPEN: { fault: "user", exit: 2, meaning: "--state-dir exists and other users may use it" },
  STATE_DIR_NOT_WRITABLE: { fault: "user", exit: 2, meaning: "--state-dir is read-only or not ours to write" },
  STATE_DIR_PATH_TOO_LONG: { fault: "user", exit: 2, meaning: "--state-dir is longer than paths may be" },
  STATE_DIR_CANNOT_CREATE: { fault: "user", exit: 2, meaning: "--state-dir is on a file system without folders" },
  STATE_FILE_NOT_REGULAR: { fault: "user", exit: 2, meaning: "a file of ours in the state folder is a folder or FIFO" },
  STATE_TARGET_MISMATCH: { fault: "user", exit: 2, meaning: "sandbox state used for the real clouds, or the reverse" },
  SANDBOX_RESET_REAL_STATE: {
    fault: "user",
    exit: 2,
    meaning: "`sandbox reset` on a folder holding a real deployment",
  },
  SANDBOX_NODE_TOO_OLD: { fault: "user", exit: 2, meaning: "the sandbox needs Node.js 24.5 or newer" },
  SANDBOX_START_FAILED: { fault: "user", exit: 2, meaning: "the sandbox cannot start (switches, ports, folder)" },
  SANDBOX_RUNNING: { fault: "user", exit: 1, meaning: "a running sandbox holds the folder" },
  UNSAFE_FILE: { fault: "user", exit: 1, meaning: "a file we would write is a link or not a regular file" },
  STATE_SYMLINK: { fault: "user", exit: 1, meaning: "the state file is a symbolic link" },
  STATE_CORRUPT: { fault: "user", exit: 1, meaning: "the state file is not valid; it was left untouched" },
  STATE_NEWER: { fault: "user", exit: 1, meaning: "the state file is from a newer oidc-bridge" },
  STATE_LOCKED: { fault: "user", exit: 1, meaning: "another command holds this state folder" },
  STATE_UNREADABLE: { fault: "user", exit: 1, meaning: "the state file cannot be read (permissions)" },
  DISK_FULL: { fault: "user", exit: 1, meaning: "the disk (or quota) is full; nothing was left half-written" },
  FILE_SYSTEM: { fault: "user", exit: 1, meaning: "a file operation was refused; the message names the path" },
  DESTROY_CANCELLED: { fault: "user", exit: 1, meaning: "`destroy` was not confirmed; nothing was deleted" },
  DESTROY_GROUP_NOT_EMPTY: {
    fault: "user",
    exit: 1,
    meaning: "the resource group gained resources we did not create; it was not deleted",
  },
  CLOUD_ACCESS_DENIED: { fault: "user", exit: 1, meaning: "a cloud refused a call for lack of permission" },
  AZURE_SIGN_IN_FAILED: { fault: "user", exit: 1, meaning: "signing in to Azure failed" },
  CLOUD_CALL_FAILED: { fault: "cloud", exit: 1, meaning: "a cloud call failed" },
  OIDC_DISCOVERY_FAILED: { fault: "cloud", exit: 1, meaning: "the issuer's OpenID discovery failed" },
  OIDC_THUMBPRINT_FAILED: { fault: "cloud", exit: 1, meaning: "a host's TLS thumbprint could not be read" },
  INTERNAL: { fault: "internal", exit: 1, meaning: "a bug in oidc-bridge; run with --debug and report it" },
} as const satisfies Record<string, { fault: "user" | "internal" | "cloud"; exit: 1 | 2; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export { startSandbox, CRASH_EXIT_CODE, type StartSandboxOptions, type RunningSandbox } from "./server.js";
export { loadOrCreateCa, type SandboxCa, type TlsChain, type ChainName } from "./ca.js";
export { readJournal } from "./journal.js";
export { seededRandom, type RandomSource } from "./faults.js";
export { readSandboxSettings, type SandboxSettings } from "./settings.js";
export { BIND_RETRY_DELAYS_MS, type BindRetry } from "./bind.js";
export { CONTROL_IDENTITY_PATH, CONTROL_ENDPOINTS_PATH, type SandboxIdentity } from "./control.js";
export { SandboxError, isSandboxError, type SandboxErrorCode } from "./sandbox-error.js";
export type * from "./types.js";

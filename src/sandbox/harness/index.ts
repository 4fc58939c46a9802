export { startSandbox, CRASH_EXIT_CODE, type StartSandboxOptions, type RunningSandbox } from "./server.js";
export { loadOrCreateCa, type SandboxCa, type TlsChain, type ChainName } from "./ca.js";
export { readJournal } from "./journal.js";
export { seededRandom, type RandomSource } from "./faults.js";
export { readSandboxSettings, type SandboxSettings } from "./settings.js";
export type * from "./types.js";

import { SANDBOX_ENV } from "../constants.js";

/** The sandbox switches read from the environment once at start, validated so a typo fails loudly. */
export interface SandboxSettings {
  readonly profile: "fast" | "realistic";
  readonly latencyScale: number;
  readonly addedLatencyMs: number;
  readonly faultRate: number;
  readonly faultStatus: 429 | 500 | 503;
  readonly faultRetryAfter: number;
  /** Listener names faults apply to; null means all. */
  readonly faultServices: ReadonlySet<string> | null;
  /** Exit after this many writes; null means never. */
  readonly dieAfterWrites: number | null;
  readonly journalBodies: boolean;
  /** Seed for the fault dice, so a run with faults can be repeated exactly; null: Math.random. */
  readonly faultSeed: number | null;
}

type Env = Readonly<Record<string, string | undefined>>;

export function readSandboxSettings(env: Env): SandboxSettings {
  const profile = text(env, SANDBOX_ENV.profile) ?? "fast";
  if (profile !== "fast" && profile !== "realistic") {
    throw new Error(`${SANDBOX_ENV.profile} must be "fast" or "realistic", not "${profile}"`);
  }
  const faultStatus = number(env, SANDBOX_ENV.faultStatus, 429, 100, 599);
  if (faultStatus !== 429 && faultStatus !== 500 && faultStatus !== 503) {
    throw new Error(`${SANDBOX_ENV.faultStatus} must be 429, 500 or 503, not ${faultStatus}`);
  }
  const services = text(env, SANDBOX_ENV.faultServices);
  const die = text(env, SANDBOX_ENV.dieAfterWrites);
  const seed = text(env, SANDBOX_ENV.faultSeed);
  return {
    profile,
    latencyScale: number(env, SANDBOX_ENV.latencyScale, 1, 0, 1000),
    addedLatencyMs: number(env, SANDBOX_ENV.addedLatencyMs, 0, 0, 600_000),
    faultRate: number(env, SANDBOX_ENV.faultRate, 0, 0, 1),
    faultStatus,
    faultRetryAfter: number(env, SANDBOX_ENV.faultRetryAfter, 1, 0, 3600),
    faultServices: services
      ? new Set(
          services
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s.length > 0),
        )
      : null,
    dieAfterWrites: die === undefined ? null : integer(SANDBOX_ENV.dieAfterWrites, die, 1),
    journalBodies: text(env, SANDBOX_ENV.journalBodies) === "1",
    faultSeed: seed === undefined ? null : integer(SANDBOX_ENV.faultSeed, seed, 0),
  };
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function number(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

function integer(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number of at least ${min}, not "${raw}"`);
  }
  return value;
}

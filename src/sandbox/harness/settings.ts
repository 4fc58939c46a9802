import { SANDBOX_ENV } from "../constants.js";
import { SandboxError } from "./sandbox-error.js";

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

// The seed feeds a 32-bit generator; a larger one would silently wrap to another run's faults.
const MAX_SEED = 0xffff_ffff;
const MAX_DIE_AFTER = 1_000_000;

/**
 * Reads and checks every switch. Pure: it runs before the sandbox touches the disk, so a typo never
 * leaves a half-made folder behind. `listeners`, when given, are the names FAULT_SERVICES may use.
 */
export function readSandboxSettings(env: Env, listeners?: readonly string[]): SandboxSettings {
  const profile = text(env, SANDBOX_ENV.profile) ?? "fast";
  if (profile !== "fast" && profile !== "realistic")
    throw badSwitch(SANDBOX_ENV.profile, profile, '"fast" or "realistic"');
  const faultStatus = text(env, SANDBOX_ENV.faultStatus) ?? "429";
  if (faultStatus !== "429" && faultStatus !== "500" && faultStatus !== "503") {
    throw badSwitch(SANDBOX_ENV.faultStatus, faultStatus, "429, 500 or 503");
  }
  const bodies = text(env, SANDBOX_ENV.journalBodies) ?? "0";
  if (bodies !== "0" && bodies !== "1") throw badSwitch(SANDBOX_ENV.journalBodies, bodies, '"1" (on) or "0" (off)');
  const die = text(env, SANDBOX_ENV.dieAfterWrites);
  const seed = text(env, SANDBOX_ENV.faultSeed);
  return {
    profile,
    latencyScale: number(env, SANDBOX_ENV.latencyScale, 1, 0, 1000),
    addedLatencyMs: number(env, SANDBOX_ENV.addedLatencyMs, 0, 0, 600_000),
    faultRate: number(env, SANDBOX_ENV.faultRate, 0, 0, 1),
    faultStatus: Number(faultStatus) as 429 | 500 | 503,
    faultRetryAfter: number(env, SANDBOX_ENV.faultRetryAfter, 1, 0, 3600),
    faultServices: faultServices(env, listeners),
    dieAfterWrites: die === undefined ? null : integer(SANDBOX_ENV.dieAfterWrites, die, 1, MAX_DIE_AFTER),
    journalBodies: bodies === "1",
    faultSeed: seed === undefined ? null : integer(SANDBOX_ENV.faultSeed, seed, 0, MAX_SEED),
  };
}

function faultServices(env: Env, listeners: readonly string[] | undefined): ReadonlySet<string> | null {
  const raw = text(env, SANDBOX_ENV.faultServices);
  if (raw === undefined) return null;
  const names = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const unknown = listeners ? names.filter((name) => !listeners.includes(name)) : [];
  if (names.length === 0 || unknown.length > 0) {
    const allowed = listeners ? `a comma-separated list of listener names: ${listeners.join(", ")}` : "listener names";
    throw badSwitch(
      SANDBOX_ENV.faultServices,
      raw,
      allowed,
      unknown.length > 0 ? `unknown: ${unknown.join(", ")}` : "",
    );
  }
  return new Set(names);
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function number(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw badSwitch(name, raw, `a number from ${min} to ${max}`);
  return value;
}

function integer(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badSwitch(name, raw, `a whole number from ${min} to ${max}`);
  }
  return value;
}

function badSwitch(name: string, raw: string, allowed: string, detail = ""): SandboxError {
  return new SandboxError(
    "SANDBOX_BAD_SETTING",
    `${name}="${raw}" is not allowed${detail ? ` (${detail})` : ""}: it must be ${allowed}`,
    `set ${name} to ${allowed}, or unset it for the default`,
  );
}

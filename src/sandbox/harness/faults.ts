import type { SandboxSettings } from "./settings.js";

export interface InjectedFault {
  readonly status: 429 | 500 | 503;
  readonly retryAfterSeconds: number;
}

export interface FaultInjector {
  /** The fault to inject for this request, or null to let the service handle it. */
  pick(listener: string): InjectedFault | null;
}

/** Random source in [0, 1). */
export type RandomSource = () => number;

export function createFaultInjector(settings: SandboxSettings, random: RandomSource = Math.random): FaultInjector {
  const { faultRate, faultStatus, faultRetryAfter, faultServices } = settings;
  return {
    pick(listener) {
      if (faultRate <= 0) return null;
      if (faultServices && !faultServices.has(listener)) return null;
      // Compare strictly so a rate of 1 always faults and 0 never does, whatever the source returns.
      if (faultRate < 1 && random() >= faultRate) return null;
      return { status: faultStatus, retryAfterSeconds: faultRetryAfter };
    },
  };
}

/** Deterministic PRNG (mulberry32) so fault-injection runs can be replayed. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Counts responses that changed state and calls `die` once, right after the N-th, to simulate a
 * crash between two steps of a deployment.
 */
export interface WriteCounter {
  /** Call after a write response has been sent, journaled and saved. */
  recordWrite(): Promise<void>;
  readonly writes: number;
}

export function createWriteCounter(limit: number | null, die: () => Promise<void>): WriteCounter {
  let writes = 0;
  return {
    get writes() {
      return writes;
    },
    async recordWrite() {
      writes += 1;
      if (limit !== null && writes === limit) await die();
    },
  };
}

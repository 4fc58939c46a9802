/**
 * ARM's request budget per subscription (token buckets, since 2024): reads 250 refilled 25/s,
 * writes and deletes 200 refilled 10/s. Kept in memory: a restarted sandbox starts full, as a
 * quiet minute would leave the real buckets.
 */
export type BucketKind = "reads" | "writes" | "deletes";

const LIMITS: Readonly<Record<BucketKind, { capacity: number; perSecond: number }>> = {
  reads: { capacity: 250, perSecond: 25 },
  writes: { capacity: 200, perSecond: 10 },
  deletes: { capacity: 200, perSecond: 10 },
};

interface Bucket {
  level: number;
  at: number;
}

export interface TakeResult {
  readonly allowed: boolean;
  readonly remaining: number;
  /** Whole seconds until one request is allowed again (when not allowed). */
  readonly retryAfterSeconds: number;
}

export class ArmThrottle {
  private readonly buckets = new Map<string, Bucket>();

  take(subscription: string, kind: BucketKind, nowMs: number): TakeResult {
    const { capacity, perSecond } = LIMITS[kind];
    const key = `${subscription.toLowerCase()}:${kind}`;
    const bucket = this.buckets.get(key) ?? { level: capacity, at: nowMs };
    bucket.level = Math.min(capacity, bucket.level + (Math.max(0, nowMs - bucket.at) / 1000) * perSecond);
    bucket.at = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.level < 1) {
      return {
        allowed: false,
        remaining: 0,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.level) / perSecond)),
      };
    }
    bucket.level -= 1;
    return { allowed: true, remaining: Math.floor(bucket.level), retryAfterSeconds: 0 };
  }
}

export function bucketFor(method: string): BucketKind {
  if (method === "GET" || method === "HEAD") return "reads";
  return method === "DELETE" ? "deletes" : "writes";
}

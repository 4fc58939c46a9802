/**
 * The IAM role's trust policy: only `sts:AssumeRoleWithWebIdentity`, only through our provider,
 * only for tokens whose `sub` is the VM identity's principal id AND whose `aud` is our audience.
 */
export interface TrustPolicyInput {
  readonly providerArn: string;
  /** Provider URL without scheme: the prefix of the condition keys. */
  readonly providerUrl: string;
  readonly subject: string;
  readonly audience: string;
}

export function buildTrustPolicy(input: TrustPolicyInput): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: input.providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${input.providerUrl}:sub`]: input.subject,
            [`${input.providerUrl}:aud`]: input.audience,
          },
        },
      },
    ],
  };
}

/**
 * A canonical form for comparing policies as IAM means them: single values and one-element lists
 * are the same, key order and list order do not matter, Sid is only a label.
 */
export function normalisePolicy(policy: unknown): unknown {
  if (Array.isArray(policy)) {
    const items = policy.map(normalisePolicy);
    if (items.length === 1) return items[0];
    return items
      .map((i) => JSON.stringify(i))
      .sort()
      .map((s) => JSON.parse(s) as unknown);
  }
  if (policy && typeof policy === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(policy).sort()) {
      if (key === "Sid") continue;
      out[key] = normalisePolicy((policy as Record<string, unknown>)[key]);
    }
    return out;
  }
  return policy;
}

/** Human-readable differences between two policies, by JSON path; empty when they mean the same. */
export function policyDifferences(actual: unknown, wanted: unknown): string[] {
  const differences: string[] = [];
  const walk = (a: unknown, w: unknown, path: string): void => {
    if (JSON.stringify(a) === JSON.stringify(w)) return;
    const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
    if (isObject(a) && isObject(w)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(w)]))
        walk(a[key], w[key], path ? `${path}.${key}` : key);
      return;
    }
    const show = (v: unknown): string => (v === undefined ? "(absent)" : JSON.stringify(v));
    differences.push(`${path || "(document)"}: is ${show(a)}, should be ${show(w)}`);
  };
  walk(normalisePolicy(actual), normalisePolicy(wanted), "");
  return differences;
}

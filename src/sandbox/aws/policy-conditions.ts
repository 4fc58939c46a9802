/**
 * IAM's condition operators and wildcard matching, shared by trust policies (STS) and identity
 * policies (every API). A condition key is looked up case-insensitively in the request context;
 * a key the request does not carry evaluates as IAM evaluates a missing key: positive operators
 * fail, negated ones hold, `…IfExists` and `ForAllValues:` hold, `Null: true` holds.
 */

/** Condition keys (any case) → values, from the request. */
export type RequestContext = ReadonlyMap<string, readonly string[]>;

/** Glob with `*` and `?`, as StringLike, ArnLike, Action and Resource matching use. */
export function globMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

/**
 * ArnLike compares the six colon-separated ARN parts one by one, each with wildcards, so a `*`
 * never spans a colon of the partition/service/region/account part.
 */
function arnLike(pattern: string, value: string): boolean {
  const p = pattern.split(":");
  const v = value.split(":");
  if (p.length < 6 || v.length < 6) return false;
  const head = (parts: string[]): string[] => [...parts.slice(0, 5), parts.slice(5).join(":")];
  const [hp, hv] = [head(p), head(v)];
  return hp.every((part, i) => globMatch(part, hv[i] ?? "", false));
}

function dateValue(text: string): number {
  return /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text);
}

function compareOne(base: string, policyValue: string, requestValue: string): boolean {
  switch (base) {
    case "StringEquals":
      return policyValue === requestValue;
    case "StringEqualsIgnoreCase":
      return policyValue.toLowerCase() === requestValue.toLowerCase();
    case "StringLike":
      return globMatch(policyValue, requestValue, false);
    case "Bool":
      return policyValue.toLowerCase() === requestValue.toLowerCase();
    case "ArnEquals":
    case "ArnLike":
      return arnLike(policyValue, requestValue);
    case "NumericEquals":
      return Number(requestValue) === Number(policyValue);
    case "NumericLessThan":
      return Number(requestValue) < Number(policyValue);
    case "NumericLessThanEquals":
      return Number(requestValue) <= Number(policyValue);
    case "NumericGreaterThan":
      return Number(requestValue) > Number(policyValue);
    case "NumericGreaterThanEquals":
      return Number(requestValue) >= Number(policyValue);
    case "DateEquals":
      return dateValue(requestValue) === dateValue(policyValue);
    case "DateLessThan":
      return dateValue(requestValue) < dateValue(policyValue);
    case "DateLessThanEquals":
      return dateValue(requestValue) <= dateValue(policyValue);
    case "DateGreaterThan":
      return dateValue(requestValue) > dateValue(policyValue);
    case "DateGreaterThanEquals":
      return dateValue(requestValue) >= dateValue(policyValue);
    default:
      // IP and binary operators compare keys no request here carries: they cannot match.
      return false;
  }
}

const NEGATED: Record<string, string> = {
  StringNotEquals: "StringEquals",
  StringNotEqualsIgnoreCase: "StringEqualsIgnoreCase",
  StringNotLike: "StringLike",
  NumericNotEquals: "NumericEquals",
  DateNotEquals: "DateEquals",
  ArnNotEquals: "ArnEquals",
  ArnNotLike: "ArnLike",
};

function lookup(context: RequestContext, key: string): readonly string[] | undefined {
  const lower = key.toLowerCase();
  for (const [k, v] of context) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export function conditionHolds(
  operator: string,
  key: string,
  policyValues: readonly string[],
  context: RequestContext,
): boolean {
  const set = /^(ForAnyValue|ForAllValues):(.*)$/.exec(operator);
  let base = set?.[2] ?? operator;
  const requestValues = lookup(context, key);
  if (base === "Null") {
    const wantAbsent = policyValues.some((v) => v.toLowerCase() === "true");
    return wantAbsent === (requestValues === undefined);
  }
  const ifExists = base.endsWith("IfExists");
  if (ifExists) base = base.slice(0, -"IfExists".length);
  if (requestValues === undefined || requestValues.length === 0) {
    // ForAllValues holds vacuously on an empty set; ForAnyValue has nothing to match.
    if (set?.[1] === "ForAllValues") return true;
    if (set?.[1] === "ForAnyValue") return false;
    if (ifExists) return true;
    // A negated operator on an absent key is satisfied; a positive one is not.
    return base in NEGATED;
  }
  const positive = NEGATED[base] ?? base;
  const negate = base in NEGATED;
  const matchesAny = (value: string): boolean => policyValues.some((p) => compareOne(positive, p, value));
  if (set?.[1] === "ForAllValues") return requestValues.every((v) => matchesAny(v) !== negate);
  if (negate) return !requestValues.some(matchesAny);
  return requestValues.some(matchesAny);
}

/** Every operator block and every key in it must hold (AND); values within one key are OR. */
export function conditionsHold(
  condition: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>,
  context: RequestContext,
): boolean {
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, values, context)),
  );
}

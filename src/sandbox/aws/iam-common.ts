import { AwsApiError, type ConstraintCheck } from "./errors.js";
import type { QueryInput } from "./query-protocol.js";
import type { AwsState, AwsTag } from "./state.js";
import type { XmlValue } from "./xml.js";

/** What an IAM or STS operation sees and returns; the service does auth, denial, wire and saving. */
export interface QueryOpContext {
  state: AwsState;
  input: QueryInput;
  now: number;
  /** Signing region of the request (IAM is global; STS reports it nowhere but takes it). */
  region: string;
  /** ARN of the signed-in caller, for messages and GetCallerIdentity. */
  callerArn: string;
  callerUserId: string;
  caPem: string;
}

export interface QueryOpResult {
  result?: XmlValue;
}

export interface QueryOperation {
  /** Changes state: the service saves after it and marks the journal entry. */
  readonly write: boolean;
  /** Resource ARN named in AccessDenied messages. */
  resource(input: QueryInput): string;
  run(ctx: QueryOpContext): QueryOpResult | Promise<QueryOpResult>;
}

export const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
export const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const MAX_TAGS = 50;

export function checkTags(check: ConstraintCheck, tags: readonly AwsTag[] | undefined, field = "tags"): void {
  if (!tags) return;
  check.listLength(tags, field, MAX_TAGS);
  tags.forEach((tag, i) => {
    check.length(tag.Key, `${field}.${i + 1}.member.key`, 1, 128);
    check.pattern(tag.Key, `${field}.${i + 1}.member.key`, TAG_KEY_PATTERN, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    check.length(tag.Value, `${field}.${i + 1}.member.value`, 0, 256);
    check.pattern(tag.Value, `${field}.${i + 1}.member.value`, TAG_VALUE_PATTERN, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  });
}

/** IAM tag keys are unique regardless of case, in one request and on one resource. */
export function rejectDuplicateTagKeys(tags: readonly AwsTag[]): void {
  const seen = new Set<string>();
  for (const tag of tags) {
    const key = tag.Key.toLowerCase();
    if (seen.has(key)) {
      throw new AwsApiError("InvalidInput", 400, "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    }
    seen.add(key);
  }
}

/** TagRole / TagOpenIDConnectProvider: new keys are added, existing keys get the new value. */
export function mergeTags(existing: readonly AwsTag[], added: readonly AwsTag[], quotaName: string): AwsTag[] {
  const out = existing.map((t) => ({ ...t }));
  for (const tag of added) {
    const at = out.findIndex((t) => t.Key.toLowerCase() === tag.Key.toLowerCase());
    if (at >= 0) out[at] = { ...tag };
    else out.push({ ...tag });
  }
  if (out.length > MAX_TAGS) throw new AwsApiError("LimitExceeded", 409, `Cannot exceed quota for ${quotaName}: ${MAX_TAGS}`);
  return out;
}

export function removeTags(existing: readonly AwsTag[], keys: readonly string[]): AwsTag[] {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase()));
}

export function tagsXml(tags: readonly AwsTag[]): XmlValue {
  return tags.map((t) => ({ Key: t.Key, Value: t.Value }));
}

export const ROLE_NAME_PATTERN = /^[\w+=,.@-]+$/;
export const ROLE_NAME_SHOWN = "[\\w+=,.@-]+";

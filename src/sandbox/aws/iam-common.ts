import type { AwsOperation, OperationContext } from "./aws-api.js";
import { AwsApiError, ConstraintCheck } from "./errors.js";
import type { QueryInput, QueryOpResult } from "./query-protocol.js";
import type { AwsTag } from "./state.js";
import type { XmlValue } from "./xml.js";

/** What an IAM or STS operation sees; the pipeline does auth, denial, wire and saving. */
export type QueryOpContext = OperationContext<QueryInput>;
export type QueryOperation = AwsOperation<QueryInput, QueryOpResult>;

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

/**
 * What IAM checks in tags after model validation: keys under AWS's reserved "aws:" prefix are
 * refused, and keys are unique regardless of case, in one request and on one resource.
 */
export function checkTagKeysAllowed(tags: readonly AwsTag[]): void {
  const reserved = tags.find((tag) => /^aws:/i.test(tag.Key));
  if (reserved) {
    throw new AwsApiError(
      "InvalidInput",
      400,
      `Tag key ${reserved.Key} is not valid: keys beginning with "aws:" are reserved for AWS use.`,
    );
  }
  const seen = new Set<string>();
  for (const tag of tags) {
    const key = tag.Key.toLowerCase();
    if (seen.has(key)) {
      throw new AwsApiError(
        "InvalidInput",
        400,
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
      );
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
  if (out.length > MAX_TAGS)
    throw new AwsApiError("LimitExceeded", 409, `Cannot exceed quota for ${quotaName}: ${MAX_TAGS}`);
  return out;
}

export function removeTags(existing: readonly AwsTag[], keys: readonly string[]): AwsTag[] {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase()));
}

/** IAM documents "the returned list of tags is sorted by tag key" for its tag lists. */
export function sortedByKey(tags: readonly AwsTag[]): AwsTag[] {
  return [...tags].sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
}

export function sortedTagsXml(tags: readonly AwsTag[]): XmlValue {
  return sortedByKey(tags).map((t) => ({ Key: t.Key, Value: t.Value }));
}

/** UntagRole / UntagOpenIDConnectProvider: up to 50 keys, each a valid tag key. */
export function checkTagKeys(check: ConstraintCheck, keys: readonly string[] | undefined): void {
  check.listLength(keys, "tagKeys", MAX_TAGS);
  check.members(keys, "tagKeys", {
    min: 1,
    max: 128,
    pattern: TAG_KEY_PATTERN,
    shown: "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
  });
}

const DEFAULT_MAX_ITEMS = 100;

/**
 * IAM's Marker / MaxItems paging (MaxItems 1-1000, default 100). The marker is opaque to callers;
 * here it is the offset of the next item.
 */
export function paginate<T>(
  items: readonly T[],
  input: QueryInput,
): { page: T[]; IsTruncated: boolean; Marker?: string } {
  const maxItems = input.int("MaxItems", "maxItems");
  const marker = input.str("Marker");
  const check = new ConstraintCheck();
  check.range(maxItems, "maxItems", 1, 1000);
  check.length(marker, "marker", 1, 320);
  check.pattern(marker, "marker", /^[\u0020-\u00FF]+$/, "[\\u0020-\\u00FF]+");
  check.throwIfAny();
  let start = 0;
  if (marker !== undefined) {
    start = Number(
      Buffer.from(marker, "base64")
        .toString("utf8")
        .replace(/^offset:/, ""),
    );
    // A marker this service never issued; IAM's exact wording for it is not documented.
    if (!Number.isInteger(start) || start < 0 || start > items.length)
      throw new AwsApiError("InvalidInput", 400, "Invalid Marker.");
  }
  const end = start + (maxItems ?? DEFAULT_MAX_ITEMS);
  const page = items.slice(start, end);
  if (end >= items.length) return { page, IsTruncated: false };
  return { page, IsTruncated: true, Marker: Buffer.from(`offset:${end}`).toString("base64") };
}

export const ROLE_NAME_PATTERN = /^[\w+=,.@-]+$/;
export const ROLE_NAME_SHOWN = "[\\w+=,.@-]+";

/** IAM's and STS's policy document pattern [\u0009\u000A\u000D\u0020-\u00FF]+: tab, LF, CR and Latin-1 only. */
export const POLICY_TEXT_PATTERN = {
  test: (text: string): boolean =>
    text.length > 0 &&
    [...text].every((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      return code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x20 && code <= 0xff);
    }),
};

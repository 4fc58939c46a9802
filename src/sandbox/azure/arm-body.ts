import type { SandboxResponse } from "../harness/types.js";
import { armError, armErrors } from "./arm-errors.js";
import type { ArmRequest } from "./arm-types.js";

/** A parsed value, or the ARM error answer saying why it could not be parsed. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly response: SandboxResponse };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = <T>(response: SandboxResponse): Parsed<T> => ({ ok: false, response });

/** Parses a JSON object body. */
export function jsonBody(req: ArmRequest): Parsed<Record<string, unknown>> {
  const text = req.raw.body.toString("utf8");
  if (text.trim().length === 0)
    return fail(armErrors.invalidRequestContent(req.operation, "The request body is empty."));
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return fail(armErrors.invalidRequestContent(req.operation, "The request body must be a JSON object."));
    }
    return ok(parsed as Record<string, unknown>);
  } catch (err) {
    return fail(armErrors.invalidRequestContent(req.operation, (err as Error).message));
  }
}

// ARM's tag limits: 50 tags, names up to 512 characters, values up to 256.
const MAX_TAGS = 50;
const MAX_TAG_NAME = 512;
const MAX_TAG_VALUE = 256;

/** Validates `tags`; absent or null gives undefined. */
export function parseTags(value: unknown, operation: string): Parsed<Record<string, string> | undefined> {
  if (value === undefined || value === null) return ok(undefined);
  if (typeof value !== "object" || Array.isArray(value)) {
    return fail(armErrors.invalidRequestContent(operation, "Tags must be a JSON object of strings."));
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_TAGS) {
    return fail(
      armError(
        400,
        "InvalidTagCount",
        `The number of tags '${entries.length}' exceeds the maximum of '${MAX_TAGS}'.`,
        operation,
      ),
    );
  }
  const tags: Record<string, string> = {};
  for (const [name, tagValue] of entries) {
    if (typeof tagValue !== "string") {
      return fail(armErrors.invalidRequestContent(operation, `The value of tag '${name}' must be a string.`));
    }
    if (name.length === 0 || name.length > MAX_TAG_NAME || /[<>%&\\?/]/.test(name)) {
      return fail(
        armError(
          400,
          "InvalidTagNameCharacters",
          `The tag names '${name}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`,
          operation,
        ),
      );
    }
    if (tagValue.length > MAX_TAG_VALUE) {
      return fail(
        armError(
          400,
          "InvalidTagValueLength",
          `The tag value '${tagValue}' exceeds the maximum length of '${MAX_TAG_VALUE}'.`,
          operation,
        ),
      );
    }
    tags[name] = tagValue;
  }
  return ok(tags);
}

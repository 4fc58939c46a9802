import { randomBytes } from "node:crypto";
import type { AwsOperation } from "./aws-api.js";
import { AwsApiError, ConstraintCheck } from "./errors.js";
import { optionalBoolean, optionalString, optionalStringList, optionalTags, type JsonInput } from "./json-protocol.js";
import {
  ACCOUNT_ID,
  PARTITION,
  type AwsState,
  type AwsTag,
  type ParameterRecord,
  type ParameterVersion,
} from "./state.js";

/** SSM Parameter Store: the few operations oidc-bridge uses, regional like the real service. */

export type JsonOperation = AwsOperation<JsonInput, object>;

const PARAMETER_TYPES = ["String", "StringList", "SecureString"] as const;
const TIERS = ["Standard", "Advanced", "Intelligent-Tiering"];
const DATA_TYPES = ["text", "aws:ec2:image", "aws:ssm:integration"];
const RESOURCE_TYPES = [
  "Document",
  "ManagedInstance",
  "MaintenanceWindow",
  "Parameter",
  "PatchBaseline",
  "OpsItem",
  "OpsMetadata",
  "Automation",
  "Association",
];
const STANDARD_MAX_VALUE = 4096;
const ADVANCED_MAX_VALUE = 8192;
const MAX_HIERARCHY_LEVELS = 15;
const MAX_VERSIONS = 100;
const MAX_TAGS = 50;
const SSM_TAG_VALUE_PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;
const SSM_TAG_VALUE_SHOWN = "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$";
/** SSM's TagKey pattern also refuses AWS's reserved prefix, in any case. */
const SSM_TAG_KEY_PATTERN = {
  test: (key: string): boolean => !/^aws:/i.test(key) && /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(key),
};
const SSM_TAG_KEY_SHOWN = "^(?!^(?i)aws:)(?=^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$).*$";

/** AWS's answer for any malformed name, whatever is wrong with it (it only ever names "ssm"). */
const BAD_NAME =
  'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of ' +
  "sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_";

function validation(message: string): AwsApiError {
  return new AwsApiError("ValidationException", 400, message);
}

function parameterNotFound(): AwsApiError {
  // The real service sends this one without a message.
  return new AwsApiError("ParameterNotFound", 400, undefined);
}

export function parameterArn(region: string, name: string): string {
  if (name.startsWith("arn:")) return name;
  return `arn:${PARTITION}:ssm:${region}:${ACCOUNT_ID}:parameter/${name.replace(/^\//, "")}`;
}

/** Form rules every operation applies to a name: characters, leading slash on paths, no empty levels. */
function checkNameForm(name: string): void {
  const bare = name.replace(/^\//, "");
  const malformed =
    !/^[a-zA-Z0-9_.\-/]+$/.test(name) ||
    (name.includes("/") && !name.startsWith("/")) ||
    bare.split("/").some((s) => s === "") ||
    /^ssm/i.test(bare);
  if (malformed) throw validation(BAD_NAME);
}

/**
 * Names the account may write or delete. Names starting with "aws" (any case, with or without
 * the leading slash) belong to AWS's public parameters: writing or deleting one is an access
 * error naming the bare name ("No access to reserved parameter name: aws/test.").
 */
function checkWritableName(name: string): void {
  checkNameForm(name);
  const bare = name.replace(/^\//, "");
  if (/^aws/i.test(bare))
    throw new AwsApiError("AccessDeniedException", 400, `No access to reserved parameter name: ${bare}.`);
  const levels = bare.split("/").length;
  if (levels > MAX_HIERARCHY_LEVELS) {
    throw new AwsApiError(
      "HierarchyLevelLimitExceededException",
      400,
      `A hierarchy can have a maximum of ${MAX_HIERARCHY_LEVELS} levels. For more information, see Requirements and constraints for parameter names in the Amazon Web Services Systems Manager User Guide.`,
    );
  }
}

function regionParameters(state: AwsState, region: string): Record<string, ParameterRecord> {
  state.parameters[region] ??= {};
  return state.parameters[region];
}

function checkSsmTags(check: ConstraintCheck, tags: readonly AwsTag[] | undefined): void {
  if (!tags) return;
  check.listLength(tags, "tags", 1000);
  tags.forEach((tag, i) => {
    check.length(tag.Key, `tags.${i + 1}.member.key`, 1, 128);
    check.pattern(tag.Key, `tags.${i + 1}.member.key`, SSM_TAG_KEY_PATTERN, SSM_TAG_KEY_SHOWN);
    check.length(tag.Value, `tags.${i + 1}.member.value`, 1, 256);
    check.pattern(tag.Value, `tags.${i + 1}.member.value`, SSM_TAG_VALUE_PATTERN, SSM_TAG_VALUE_SHOWN);
  });
}

function mergeSsmTags(existing: readonly AwsTag[], added: readonly AwsTag[]): AwsTag[] {
  const out = existing.map((t) => ({ ...t }));
  for (const tag of added) {
    const at = out.findIndex((t) => t.Key === tag.Key);
    if (at >= 0) out[at] = { ...tag };
    else out.push({ ...tag });
  }
  if (out.length > MAX_TAGS)
    throw new AwsApiError("TooManyTagsError", 400, "The Tags parameter contains too many tags.");
  return out;
}

/** "name", "name:3" (version) or "name:label", or a parameter ARN in the same forms. */
function resolveSelector(text: string, region: string): { names: string[]; selector?: string } {
  let rest = text;
  if (rest.startsWith("arn:")) {
    const m = /^arn:[a-z-]+:ssm:([a-z0-9-]+):(\d{12}):parameter\/(.+)$/.exec(rest);
    if (!m?.[3] || m[1] !== region || m[2] !== ACCOUNT_ID) throw parameterNotFound();
    rest = m[3];
    const colon = rest.lastIndexOf(":");
    const selector = colon >= 0 ? rest.slice(colon + 1) : undefined;
    const path = colon >= 0 ? rest.slice(0, colon) : rest;
    // The ARN drops the leading slash, so "/x" and "x" share one; try both.
    return { names: [`/${path}`, path], ...(selector !== undefined ? { selector } : {}) };
  }
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) return { names: [rest.slice(0, colon)], selector: rest.slice(colon + 1) };
  return { names: [rest] };
}

function pickVersion(record: ParameterRecord, selector: string | undefined): ParameterVersion {
  const latest = record.versions[record.versions.length - 1];
  if (!latest) throw parameterNotFound();
  if (selector === undefined) return latest;
  if (/^\d+$/.test(selector)) {
    const found = record.versions.find((v) => v.version === Number(selector));
    if (!found) {
      throw new AwsApiError(
        "ParameterVersionNotFound",
        400,
        `Systems Manager could not find version ${selector} of ${record.name}. Verify the version and try again.`,
      );
    }
    return found;
  }
  // Labels are not emulated: no version carries one. GetParameter models no label error of its
  // own (ParameterVersionLabelNotFound belongs to label operations): an unknown label finds nothing.
  throw parameterNotFound();
}

function nameInput(input: Record<string, unknown>): string {
  const name = optionalString(input, "Name");
  const check = new ConstraintCheck("ValidationException");
  if (check.required(name, "name")) check.length(name, "name", 1, 2048);
  check.throwIfAny();
  return name as string;
}

/**
 * The parameter an operation names, without a `:version` or `:label` selector: "*" when it names
 * none. An ARN is evaluated as given, since it names its own region and account.
 */
function resourceName(value: unknown): string {
  if (typeof value !== "string") return "*";
  if (value.startsWith("arn:")) return value;
  return value.replace(/:[^/:]*$/, "");
}

export const ssmOperations: Record<string, JsonOperation> = {
  PutParameter: {
    write: true,
    resource: (input, region) => parameterArn(region, resourceName(input.Name)),
    run: ({ state, input, now, region }) => {
      const name = optionalString(input, "Name");
      const value = optionalString(input, "Value");
      const type = optionalString(input, "Type");
      const description = optionalString(input, "Description");
      const keyId = optionalString(input, "KeyId");
      const overwrite = optionalBoolean(input, "Overwrite") ?? false;
      const allowedPattern = optionalString(input, "AllowedPattern");
      const tags = optionalTags(input, "Tags");
      const tierInput = optionalString(input, "Tier");
      const dataType = optionalString(input, "DataType") ?? "text";
      const check = new ConstraintCheck("ValidationException");
      if (check.required(name, "name")) check.length(name, "name", 1, 2048);
      if (check.required(value, "value")) check.length(value, "value", 1, undefined);
      check.enumeration(type, "type", PARAMETER_TYPES);
      check.length(description, "description", 0, 1024);
      check.length(keyId, "keyId", 1, 256);
      check.pattern(keyId, "keyId", /^([a-zA-Z0-9:/_-]+)$/, "^([a-zA-Z0-9:/_-]+)$");
      check.length(allowedPattern, "allowedPattern", 0, 1024);
      check.enumeration(tierInput, "tier", TIERS);
      check.length(dataType, "dataType", 0, 128);
      checkSsmTags(check, tags);
      check.throwIfAny();

      const paramName = name as string;
      const paramValue = value as string;
      checkWritableName(paramName);
      if (tags && tags.length > 0 && overwrite) {
        throw validation(
          "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. " +
            "To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
        );
      }
      if (!DATA_TYPES.includes(dataType))
        throw validation(`The following data type is not supported: ${dataType} (Data type names are all lowercase.)`);
      const params = regionParameters(state, region);
      const existing = params[paramName];
      const latest = existing?.versions[existing.versions.length - 1];
      if (latest && !overwrite) {
        throw new AwsApiError(
          "ParameterAlreadyExists",
          400,
          "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
        );
      }
      const finalType = (type ?? latest?.type) as ParameterVersion["type"] | undefined;
      if (!finalType) throw validation("A parameter type is required when you create a parameter.");
      if (keyId !== undefined && finalType !== "SecureString")
        throw validation("KeyId is required for SecureString type parameter only.");
      if (allowedPattern !== undefined) {
        let pattern: RegExp;
        try {
          pattern = new RegExp(allowedPattern);
        } catch {
          throw new AwsApiError(
            "InvalidAllowedPatternException",
            400,
            `The request does not meet the regular expression requirement: ${allowedPattern}`,
          );
        }
        if (!pattern.test(paramValue)) {
          throw new AwsApiError(
            "ParameterPatternMismatchException",
            400,
            `Parameter value, cannot be validated against allowedPattern: ${allowedPattern}`,
          );
        }
      }
      const advanced =
        tierInput === "Advanced" ||
        (tierInput === "Intelligent-Tiering" && paramValue.length > STANDARD_MAX_VALUE) ||
        latest?.tier === "Advanced";
      const limit = advanced ? ADVANCED_MAX_VALUE : STANDARD_MAX_VALUE;
      if (paramValue.length > limit) {
        throw validation(
          advanced
            ? `Advanced tier parameters support a maximum parameter value of ${ADVANCED_MAX_VALUE} characters.`
            : `Standard tier parameters support a maximum parameter value of ${STANDARD_MAX_VALUE} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html`,
        );
      }

      const version: ParameterVersion = {
        version: (latest?.version ?? 0) + 1,
        type: finalType,
        value: paramValue,
        ...(description !== undefined
          ? { description }
          : latest?.description !== undefined
            ? { description: latest.description }
            : {}),
        ...(finalType === "SecureString"
          ? {
              keyId: keyId ?? latest?.keyId ?? "alias/aws/ssm",
              ciphertext: randomBytes(96 + paramValue.length).toString("base64"),
            }
          : {}),
        tier: advanced ? "Advanced" : "Standard",
        dataType,
        lastModifiedDate: now,
      };
      const record: ParameterRecord = existing ?? { name: paramName, versions: [], tags: tags ?? [] };
      record.versions.push(version);
      // Like the service, the oldest version drops out once 100 are kept.
      if (record.versions.length > MAX_VERSIONS) record.versions.shift();
      params[paramName] = record;
      return { Version: version.version, Tier: version.tier };
    },
  },

  GetParameter: {
    write: false,
    resource: (input, region) => parameterArn(region, resourceName(input.Name)),
    run: ({ state, input, region }) => {
      const text = nameInput(input);
      const withDecryption = optionalBoolean(input, "WithDecryption") ?? false;
      const { names, selector } = resolveSelector(text, region);
      // An ARN's name has lost its leading slash; the plain form is checked as given.
      checkNameForm(text.startsWith("arn:") ? `/${names[1] ?? ""}` : (names[0] ?? ""));
      const params = regionParameters(state, region);
      const record = names.map((n) => params[n]).find((r) => r !== undefined);
      if (!record) throw parameterNotFound();
      const v = pickVersion(record, selector);
      return {
        Parameter: {
          Name: record.name,
          Type: v.type,
          Value: v.type === "SecureString" && !withDecryption ? v.ciphertext : v.value,
          Version: v.version,
          ...(selector !== undefined ? { Selector: `:${selector}` } : {}),
          LastModifiedDate: v.lastModifiedDate / 1000,
          ARN: parameterArn(region, record.name),
          DataType: v.dataType,
        },
      };
    },
  },

  DeleteParameter: {
    write: true,
    resource: (input, region) => parameterArn(region, resourceName(input.Name)),
    run: ({ state, input, region }) => {
      const name = nameInput(input);
      checkWritableName(name);
      const params = regionParameters(state, region);
      if (!params[name]) throw parameterNotFound();
      delete params[name];
      return {};
    },
  },

  AddTagsToResource: {
    write: true,
    resource: (input, region) => parameterArn(region, resourceName(input.ResourceId)),
    run: ({ state, input, region }) => {
      const tags = optionalTags(input, "Tags");
      const check = new ConstraintCheck("ValidationException");
      check.required(tags, "tags");
      checkSsmTags(check, tags);
      const [record] = requireTaggable(state, input, region, check);
      record.tags = mergeSsmTags(record.tags, tags ?? []);
      return {};
    },
  },

  RemoveTagsFromResource: {
    write: true,
    resource: (input, region) => parameterArn(region, resourceName(input.ResourceId)),
    run: ({ state, input, region }) => {
      const keys = optionalStringList(input, "TagKeys");
      const check = new ConstraintCheck("ValidationException");
      check.required(keys, "tagKeys");
      check.members(keys, "tagKeys", {
        min: 1,
        max: 128,
        pattern: SSM_TAG_KEY_PATTERN,
        shown: SSM_TAG_KEY_SHOWN,
      });
      const [record] = requireTaggable(state, input, region, check);
      const drop = new Set(keys);
      record.tags = record.tags.filter((t) => !drop.has(t.Key));
      return {};
    },
  },

  ListTagsForResource: {
    write: false,
    resource: (input, region) => parameterArn(region, resourceName(input.ResourceId)),
    run: ({ state, input, region }) => {
      const [record] = requireTaggable(state, input, region);
      // Sorted by key, like IAM's tag lists.
      return { TagList: [...record.tags].sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0)) };
    },
  },
};

/** `check` carries the operation's other member checks: AWS reports every invalid member at once. */
function requireTaggable(
  state: AwsState,
  input: Record<string, unknown>,
  region: string,
  check = new ConstraintCheck("ValidationException"),
): [ParameterRecord] {
  const type = optionalString(input, "ResourceType");
  const id = optionalString(input, "ResourceId");
  check.required(type, "resourceType");
  check.enumeration(type, "resourceType", RESOURCE_TYPES);
  check.required(id, "resourceId");
  check.throwIfAny();
  // Only parameters exist in this sandbox: any other resource id is unknown to it.
  if (type !== "Parameter") throw new AwsApiError("InvalidResourceId", 400, undefined);
  const record = regionParameters(state, region)[id as string];
  if (!record) throw new AwsApiError("InvalidResourceId", 400, undefined);
  return [record];
}

import { resolve } from "node:path";
import type { z } from "zod";
import { configSchema, type Config, type ConfigInput } from "./schema.js";
import { formatIssues, originOf } from "./format-issues.js";
import { SANDBOX_CONFIG } from "./sandbox-config.js";
import { tooWideProblem } from "./admin-cidrs.js";
import { userError, type ErrorCode } from "../errors.js";
import { readRegularFile } from "../util/safe-read.js";
import { JsonSyntaxError, parseStrictJson } from "../util/strict-json.js";

export const DEFAULT_CONFIG_FILE = "oidc-bridge.json";

/** Values from flags; each overrides the environment and the file. */
export interface ConfigFlags {
  readonly awsProfile?: string | undefined;
  readonly awsRegion?: string | undefined;
  readonly subscription?: string | undefined;
  readonly tenant?: string | undefined;
  /** --role-arn-from-ssm */
  readonly roleArnFrom?: "ssm" | undefined;
  /** `--key-type`: the admin SSH key's type. */
  readonly keyType?: string | undefined;
  /** `--allow-any-source`: admin CIDRs wider than /8 (up to 0.0.0.0/0) are allowed. */
  readonly allowAnySource?: boolean | undefined;
}

export interface LoadConfigOptions {
  readonly cwd: string;
  /** -c/--config as given; undefined means the default file, which may be absent. */
  readonly file?: string | undefined;
  readonly sandbox: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags?: ConfigFlags;
}

export interface LoadedConfig {
  readonly config: Config;
  /** Where the values came from, for `status` and error messages. */
  readonly source: string;
}

/** Environment variables that set config values, and where each goes. */
export const ENV_KEYS: ReadonlyArray<readonly [string, readonly string[], "string" | "list"]> = [
  ["AWS_PROFILE", ["aws", "profile"], "string"],
  ["AWS_REGION", ["aws", "region"], "string"],
  ["AZURE_SUBSCRIPTION_ID", ["azure", "subscriptionId"], "string"],
  ["AZURE_TENANT_ID", ["azure", "tenantId"], "string"],
  ["OIDC_BRIDGE_LOCATION", ["azure", "location"], "string"],
  ["OIDC_BRIDGE_RESOURCE_GROUP", ["azure", "resourceGroup"], "string"],
  ["OIDC_BRIDGE_IDENTITY_NAME", ["azure", "identityName"], "string"],
  ["OIDC_BRIDGE_VM_NAME", ["azure", "vm", "name"], "string"],
  ["OIDC_BRIDGE_ROLE_NAME", ["aws", "roleName"], "string"],
  ["OIDC_BRIDGE_SSM_PARAMETER", ["aws", "ssmParameterName"], "string"],
  ["OIDC_BRIDGE_AUDIENCE", ["oidc", "audience"], "string"],
  ["OIDC_BRIDGE_ADMIN_CIDRS", ["adminCidrs"], "list"],
];

const FLAG_KEYS: ReadonlyArray<readonly [keyof ConfigFlags, readonly string[], string]> = [
  ["awsProfile", ["aws", "profile"], "--aws-profile"],
  ["awsRegion", ["aws", "region"], "--aws-region"],
  ["subscription", ["azure", "subscriptionId"], "--subscription"],
  ["tenant", ["azure", "tenantId"], "--tenant"],
  ["roleArnFrom", ["configure", "roleArnFrom"], "--role-arn-from-ssm"],
  ["keyType", ["azure", "vm", "keyType"], "--key-type"],
];

/** Sandbox identities that no file, flag or variable may move away from the sandbox. */
const SANDBOX_PINNED: ReadonlyArray<readonly string[]> = [
  ["azure", "subscriptionId"],
  ["azure", "tenantId"],
  ["azure", "cloud"],
  ["aws", "profile"],
];

/** A config is a few kilobytes; a file far bigger is not one. */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** The schema nests four levels; anything much deeper is not a config, and could exhaust the stack. */
const MAX_CONFIG_DEPTH = 32;

type Raw = Record<string, unknown>;

/**
 * Resolves the config: flags > environment > file > defaults, validated in one pass so every
 * problem is reported at once. Under --sandbox the built-in sandbox config fills in what the user
 * left out, but what the user gave is validated as given: the sandbox never hides a mistake.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const layers: string[] = [];
  if (options.sandbox) layers.push("built-in sandbox config");
  let user: Raw = blank();
  /** Which variable or flag set a value, by dotted path: named in the message when it is wrong. */
  const origins = new Map<string, string>();
  const fileRaw = await readConfigFile(options);
  if (fileRaw) {
    user = merge(user, fileRaw.value);
    layers.push(fileRaw.path);
  }
  const problems: string[] = [];
  for (const [name, path, kind] of ENV_KEYS) {
    const value = options.env[name];
    if (value === undefined || value === "") continue;
    set(user, path, kind === "list" && value !== "auto" ? value.split(",").map((s) => s.trim()) : value);
    origins.set(path.join("."), name);
    layers.push(name);
  }
  for (const [key, path, flag] of FLAG_KEYS) {
    const value = options.flags?.[key];
    if (value === undefined || typeof value === "boolean") continue;
    if (options.sandbox && isPinned(path)) {
      problems.push(`${flag}: cannot be used with --sandbox, which has its own ${path.join(".")}; drop one of them`);
      continue;
    }
    set(user, path, value);
    origins.set(path.join("."), flag);
    layers.push(flag);
  }
  problems.push(...controlCharacters(user, "", origins));

  const source = layers.length ? layers.join(" + ") : "defaults";
  const format = (issues: readonly z.core.$ZodIssue[]): string[] =>
    formatIssues(issues, knownKeys(), fileRaw?.path ?? "the config", origins);
  const own = configSchema.safeParse(user, { reportInput: true });
  let parsed = own;
  if (!own.success) {
    // Under --sandbox, only what the user set counts here; what is missing the sandbox fills in.
    const given = options.sandbox ? own.error.issues.filter((i) => isGiven(user, i.path)) : own.error.issues;
    problems.push(...format(given));
  }
  if (options.sandbox) {
    const raw = merge(merge(blank(), structuredClone(SANDBOX_CONFIG)), user);
    for (const path of SANDBOX_PINNED) set(raw, path, get(SANDBOX_CONFIG, path));
    parsed = configSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success)
      for (const line of format(parsed.error.issues)) if (!problems.includes(line)) problems.push(line);
  }
  // Opening SSH to the internet is a decision of this command line, never of a file left behind.
  if (parsed.success && parsed.data.adminCidrs !== "auto" && options.flags?.allowAnySource !== true) {
    const wide = tooWideProblem(parsed.data.adminCidrs);
    if (wide) problems.push(`${wide}${originNote(origins.get("adminCidrs"))}`);
  }
  if (problems.length || !parsed.success) {
    throw userError(
      "CONFIG_INVALID",
      `the config (${source}) has ${problems.length} problem${problems.length === 1 ? "" : "s"}:`,
      "fix each field named above; `oidc-bridge config schema` prints every key with its rules",
      problems,
    );
  }
  return { config: parsed.data, source };
}

async function readConfigFile(options: LoadConfigOptions): Promise<{ path: string; value: Raw } | undefined> {
  // Under --sandbox the built-in config is complete; a file is read only when named.
  if (options.sandbox && options.file === undefined) return undefined;
  const path = resolve(options.cwd, options.file ?? DEFAULT_CONFIG_FILE);
  const named = options.file === undefined ? `the config file ${path}` : `-c/--config: ${path}`;
  // A config may be a link (dotfile managers make them); what it points to must be a plain file.
  const read = await readRegularFile(path, { followLinks: true, maxBytes: MAX_CONFIG_BYTES });
  if (!read.ok) {
    switch (read.reason) {
      case "missing":
        if (options.file === undefined) return undefined;
        throw userError(
          "CONFIG_UNREADABLE",
          `-c/--config: cannot read ${path} (ENOENT)`,
          "check the path, or copy config.example.json there",
        );
      case "link":
      case "not-regular":
        throw userError(
          "CONFIG_NOT_A_FILE",
          `${named} is ${read.reason === "link" ? "a symbolic link" : read.kind}, not a regular file`,
          "point -c/--config at a JSON file (oidc-bridge does not read configs from pipes or devices)",
        );
      case "too-large":
        throw userError(
          "CONFIG_TOO_LARGE",
          `${named} is ${read.size} bytes or more; a config is at most ${MAX_CONFIG_BYTES} bytes`,
          "point -c/--config at the config file itself (start from config.example.json)",
        );
      case "error":
        throw userError(
          "CONFIG_UNREADABLE",
          `${named.startsWith("-c") ? named.replace(/: /, ": cannot read ") : `cannot read ${named}`} (${read.errno})`,
          read.errno === "ENAMETOOLONG" ? "use a shorter path" : "check the file's permissions",
        );
    }
  }
  let value: unknown;
  try {
    value = parseStrictJson(read.text, { maxDepth: MAX_CONFIG_DEPTH });
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const [code, hint]: readonly [ErrorCode, string] = {
      syntax: [
        "CONFIG_NOT_JSON",
        "fix the JSON syntax (an editor with the config schema helps: `oidc-bridge config schema`)",
      ],
      "duplicate-key": ["CONFIG_DUPLICATE_KEY", "keep one of the two; JSON readers disagree on which one wins"],
      "too-deep": ["CONFIG_TOO_DEEP", "a config nests only a few levels: start from config.example.json"],
    }[err.kind] as [ErrorCode, string];
    throw userError(code, `${path} is not valid JSON: ${err.message}`, hint);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw userError(
      "CONFIG_NOT_OBJECT",
      `${path} must hold a JSON object, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`,
      "start from config.example.json",
    );
  }
  return { path, value: value as Raw };
}

/** Objects without a prototype: a key such as "__proto__" stays a plain key, refused as unknown. */
function blank(): Raw {
  return Object.create(null) as Raw;
}

/** Whether the user set the value at `path` (or the object holding an unknown key there). */
function isGiven(user: Raw, path: readonly PropertyKey[]): boolean {
  let node: unknown = user;
  for (const key of path) {
    if (typeof node !== "object" || node === null || !Object.prototype.hasOwnProperty.call(node, key)) return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return true;
}

/** NUL and other control characters pass JSON but break headers, tags and names in the clouds. */
function controlCharacters(value: unknown, at: string, origins: ReadonlyMap<string, string>): string[] {
  if (typeof value === "string") {
    const match = /\p{Cc}/u.exec(value);
    if (!match) return [];
    const from = originOf(at, origins);
    return [
      `${at}: contains the control character U+${match[0].charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}${from ? ` (from ${from})` : ""}; remove it`,
    ];
  }
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = at ? `${at}.${key}` : key;
    if (/\p{Cc}/u.test(key)) return [`${JSON.stringify(path)}: a key contains a control character; remove it`];
    return controlCharacters(inner, path, origins);
  });
}

function originNote(origin: string | undefined): string {
  return origin ? ` (from ${origin})` : "";
}

function isPinned(path: readonly string[]): boolean {
  return SANDBOX_PINNED.some((p) => p.join(".") === path.join("."));
}

function merge(base: Raw, over: Raw): Raw {
  const out = blank();
  for (const [key, value] of Object.entries(base)) out[key] = value;
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] = isPlainObject(prior) && isPlainObject(value) ? merge(prior, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function set(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!Object.prototype.hasOwnProperty.call(node, key)) node[key] = blank();
    // A wrong value the user gave (an array where an object belongs) stays, to be reported.
    else if (!isPlainObject(node[key])) return;
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function get(source: unknown, path: readonly string[]): unknown {
  let node = source;
  for (const key of path) node = isPlainObject(node) ? node[key] : undefined;
  return node;
}

let keysCache: string[] | undefined;
function knownKeys(): string[] {
  if (keysCache) return keysCache;
  const keys = new Set<string>([
    "$schema",
    "subscriptionId",
    "tenantId",
    "profile",
    "cloud",
    "resourceManager",
    "authorityHost",
    "armAudience",
    "stsHost",
  ]);
  const walk = (v: unknown): void => {
    if (!isPlainObject(v)) return;
    for (const [k, inner] of Object.entries(v)) {
      keys.add(k);
      walk(inner);
    }
  };
  walk(configSchema.parse({}));
  keysCache = [...keys];
  return keysCache;
}

export type { Config, ConfigInput };

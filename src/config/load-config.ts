import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { configSchema, type Config, type ConfigInput } from "./schema.js";
import { formatIssues } from "./format-issues.js";
import { SANDBOX_CONFIG } from "./sandbox-config.js";
import { userError } from "../errors.js";

export const DEFAULT_CONFIG_FILE = "oidc-bridge.json";

/** Values from flags; each overrides the environment and the file. */
export interface ConfigFlags {
  readonly awsProfile?: string | undefined;
  readonly awsRegion?: string | undefined;
  readonly subscription?: string | undefined;
  readonly tenant?: string | undefined;
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
];

/** Sandbox identities that no file, flag or variable may move away from the sandbox. */
const SANDBOX_PINNED: ReadonlyArray<readonly string[]> = [
  ["azure", "subscriptionId"],
  ["azure", "tenantId"],
  ["azure", "cloud"],
  ["aws", "profile"],
];

/**
 * Resolves the config: flags > environment > file > defaults, validated in one pass so every
 * problem is reported at once.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const layers: string[] = [];
  let raw: Record<string, unknown> = {};
  if (options.sandbox) {
    raw = structuredClone(SANDBOX_CONFIG);
    layers.push("built-in sandbox config");
  }
  const fileRaw = await readConfigFile(options);
  if (fileRaw) {
    raw = merge(raw, fileRaw.value);
    layers.push(fileRaw.path);
  }
  const problems: string[] = [];
  for (const [name, path, kind] of ENV_KEYS) {
    const value = options.env[name];
    if (value === undefined || value === "") continue;
    if (options.sandbox && isPinned(path)) continue;
    set(raw, path, kind === "list" && value !== "auto" ? value.split(",").map((s) => s.trim()) : value);
    layers.push(name);
  }
  for (const [key, path, flag] of FLAG_KEYS) {
    const value = options.flags?.[key];
    if (value === undefined) continue;
    if (options.sandbox && isPinned(path)) {
      problems.push(`${flag}: cannot be used with --sandbox, which has its own ${path.join(".")}; drop one of them`);
      continue;
    }
    set(raw, path, value);
    layers.push(flag);
  }
  if (options.sandbox) for (const path of SANDBOX_PINNED) set(raw, path, get(SANDBOX_CONFIG, path));

  const source = layers.length ? layers.join(" + ") : "defaults";
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) problems.push(...formatIssues(parsed.error.issues, knownKeys(), fileRaw?.path ?? "the config"));
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

async function readConfigFile(
  options: LoadConfigOptions,
): Promise<{ path: string; value: Record<string, unknown> } | undefined> {
  // Under --sandbox the built-in config is complete; a file is read only when named.
  if (options.sandbox && options.file === undefined) return undefined;
  const path = resolve(options.cwd, options.file ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && options.file === undefined) return undefined;
    throw userError(
      "CONFIG_UNREADABLE",
      `-c/--config: cannot read ${path} (${code ?? String(err)})`,
      code === "ENOENT" ? "check the path, or copy config.example.json there" : "check the file's permissions",
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw userError(
      "CONFIG_NOT_JSON",
      `${path} is not valid JSON: ${(err as Error).message}`,
      "fix the JSON syntax (an editor with the config schema helps: `oidc-bridge config schema`)",
    );
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw userError(
      "CONFIG_NOT_OBJECT",
      `${path} must hold a JSON object, got ${Array.isArray(value) ? "an array" : typeof value}`,
      "start from config.example.json",
    );
  }
  return { path, value: value as Record<string, unknown> };
}

function isPinned(path: readonly string[]): boolean {
  return SANDBOX_PINNED.some((p) => p.join(".") === path.join("."));
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
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
    if (!isPlainObject(node[key])) node[key] = {};
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

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { PARTITION } from "./state.js";

/**
 * Every AWS managed policy (1,493, as AWS published them in June 2026): name, path, default
 * version, dates and document, read from `data/managed-policies.json.gz` the first time an
 * operation needs one (about 3 MB of JSON: not worth parsing for a sandbox that never asks).
 */

export interface ManagedPolicy {
  name: string;
  /** "/", "/service-role/", "/aws-service-role/", "/job-function/" or "/root-task/". */
  path: string;
  arn: string;
  policyId: string;
  defaultVersionId: string;
  createDate: string;
  updateDate: string;
  /** The default version's document, as parsed (serialised only when GetPolicyVersion asks). */
  document: unknown;
}

interface PolicyFile {
  policies: Record<
    string,
    { path: string; defaultVersionId: string; createDate: string; updateDate: string; document: unknown }
  >;
}

/** Where the file sits under the package root; `files` in package.json ships this folder. */
const DATA_FILE = ["src", "sandbox", "aws", "data", "managed-policies.json.gz"];

/**
 * The data file, found from this module's folder upwards: the module runs from
 * `src/sandbox/aws/` under vitest and from `dist/` or `dist/chunks/` when bundled.
 */
export function findManagedPolicyFile(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, ...DATA_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`no ${DATA_FILE.join("/")} above ${from}: the package is incomplete`);
  }
}

/**
 * The snapshot has no policy ids; each gets a stable made-up one in IAM's form (ANPA + 17
 * characters), derived from its ARN.
 */
function policyId(arn: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const digest = createHash("sha256").update(arn).digest();
  let id = "ANPA";
  for (let i = 0; i < 17; i++) id += alphabet[(digest[i] ?? 0) % alphabet.length];
  return id;
}

async function load(): Promise<ReadonlyMap<string, ManagedPolicy>> {
  const raw = await promisify(gunzip)(await readFile(findManagedPolicyFile()));
  const file = JSON.parse(raw.toString("utf8")) as PolicyFile;
  const byArn = new Map<string, ManagedPolicy>();
  for (const [name, p] of Object.entries(file.policies)) {
    const arn = `arn:${PARTITION}:iam::aws:policy${p.path}${name}`;
    byArn.set(arn, {
      name,
      path: p.path,
      arn,
      policyId: policyId(arn),
      defaultVersionId: p.defaultVersionId,
      createDate: p.createDate,
      updateDate: p.updateDate,
      document: p.document,
    });
  }
  return byArn;
}

let loading: Promise<ReadonlyMap<string, ManagedPolicy>> | undefined;

function managedPolicies(): Promise<ReadonlyMap<string, ManagedPolicy>> {
  loading ??= load().catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

/** The AWS managed policy with exactly this ARN: no case folding, no path normalisation. */
export async function findManagedPolicy(arn: string): Promise<ManagedPolicy | undefined> {
  return (await managedPolicies()).get(arn);
}

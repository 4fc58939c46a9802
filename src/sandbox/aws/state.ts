import { randomBytes, randomInt } from "node:crypto";
import { SANDBOX_AWS_ACCOUNT_ID, SANDBOX_AWS_PARTITION } from "../constants.js";
import type { ServiceContext } from "../harness/types.js";

/**
 * The AWS sandbox's one persisted document (ctx.state / ctx.save). Plain JSON, so that a killed
 * sandbox restarts with exactly what the real account would still hold.
 */
export interface AwsTag {
  Key: string;
  Value: string;
}

export interface OidcProviderRecord {
  /** The URL as AWS keeps it: without "https://", trailing slash as given. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  createDate: string;
  tags: AwsTag[];
}

export interface RoleRecord {
  roleName: string;
  roleId: string;
  path: string;
  arn: string;
  createDate: string;
  /** Exactly as submitted: GetRole returns it URL-encoded, not re-serialised. */
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  /** Managed policy set as the role's permissions boundary (CreateRole PermissionsBoundary). */
  permissionsBoundaryArn?: string;
  tags: AwsTag[];
  attachedPolicyArns: string[];
  /** Inline policies by name, each document exactly as submitted (absent in older state files). */
  inlinePolicies?: Record<string, string>;
}

export interface ParameterVersion {
  version: number;
  type: "String" | "StringList" | "SecureString";
  value: string;
  description?: string;
  keyId?: string;
  /** What GetParameter shows for a SecureString read without decryption. */
  ciphertext?: string;
  tier: "Standard" | "Advanced";
  dataType: string;
  lastModifiedDate: number;
}

export interface ParameterRecord {
  name: string;
  versions: ParameterVersion[];
  tags: AwsTag[];
}

/** An S3 bucket: only what ListBuckets and GetBucketLocation show. */
export interface BucketRecord {
  name: string;
  region: string;
  creationDate: string;
}

/** Temporary credentials handed out by AssumeRoleWithWebIdentity, usable to sign requests. */
export interface SessionRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  assumedRoleArn: string;
  /** "<role id>:<session name>": the role id ties the session to the role it was issued for. */
  assumedRoleId: string;
  /** The IAM OIDC provider the token came from (aws:FederatedProvider); absent in older state files. */
  providerArn?: string;
  /** When the session was issued (aws:TokenIssueTime); absent in older state files. */
  issuedAt?: string;
}

export interface AwsState {
  schema: 1;
  credentials: { accessKeyId: string; secretAccessKey: string; userId: string };
  /** Keyed by provider ARN. */
  oidcProviders: Record<string, OidcProviderRecord>;
  /** Keyed by lower-cased role name: IAM names are unique regardless of case. */
  roles: Record<string, RoleRecord>;
  /** Region → parameter name → record: Parameter Store is regional. */
  parameters: Record<string, Record<string, ParameterRecord>>;
  /** Keyed by access key id. */
  sessions: Record<string, SessionRecord>;
  /** Keyed by bucket name. */
  buckets: Record<string, BucketRecord>;
}

export const ACCOUNT_ID = SANDBOX_AWS_ACCOUNT_ID;
export const PARTITION = SANDBOX_AWS_PARTITION;
/** The identity the sandbox's long-term access key belongs to. */
export const SANDBOX_USER_NAME = "sandbox-admin";
export const SANDBOX_USER_ARN = `arn:${PARTITION}:iam::${ACCOUNT_ID}:user/${SANDBOX_USER_NAME}`;

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomFrom(alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** IAM unique ids: a 4-letter type prefix (AKIA, ASIA, AROA, AIDA, ANPA) + upper-case base32. */
export function uniqueId(prefix: string, length: number): string {
  return prefix + randomFrom(UPPER_ALNUM, length);
}

/** 40 characters like a real secret access key (base64 alphabet). */
export function secretKey(): string {
  return randomFrom(`${BASE62}+/`, 40);
}

export function sessionToken(): string {
  // Real session tokens are long opaque base64 blobs (several hundred characters).
  return `IQoJb3JpZ2luX2VjE${randomBytes(300).toString("base64")}`;
}

/**
 * The buckets a new sandbox account holds, so that "list my buckets" (the end-to-end check of a
 * working identity) has something to show. Nothing in oidc-bridge creates buckets.
 */
export function seedBuckets(nowMs: number): Record<string, BucketRecord> {
  const creationDate = new Date(nowMs).toISOString();
  const seeds = [
    { name: "oidc-bridge-sandbox-data", region: "eu-central-1" },
    { name: "oidc-bridge-sandbox-logs", region: "us-east-1" },
    { name: "oidc-bridge-sandbox-reports", region: "eu-west-1" },
  ];
  return Object.fromEntries(seeds.map((b) => [b.name, { ...b, creationDate }]));
}

export function initAwsState(nowMs = Date.now()): AwsState {
  return {
    schema: 1,
    credentials: { accessKeyId: uniqueId("AKIA", 16), secretAccessKey: secretKey(), userId: uniqueId("AIDA", 17) },
    oidcProviders: {},
    roles: {},
    parameters: {},
    sessions: {},
    buckets: seedBuckets(nowMs),
  };
}

/**
 * The account's state document, loaded (or created) through the harness. A document written
 * before S3 was emulated gets the seed buckets, so an existing sandbox folder keeps working.
 */
export function loadAwsState(ctx: ServiceContext): AwsState {
  const state = ctx.state(() => initAwsState(ctx.now()));
  (state as Partial<AwsState>).buckets ??= seedBuckets(ctx.now());
  return state;
}

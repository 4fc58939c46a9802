/**
 * The AWS calls oidc-bridge makes, one interface per service, and nothing more. Resources depend
 * on these; only the adapters import the SDK. "Not found" comes back as undefined, never as an
 * exception.
 */
export type Tags = Readonly<Record<string, string>>;

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  /** "aws", "aws-cn", "aws-us-gov": every ARN we build takes it from here. */
  readonly partition: string;
}

export interface StsPort {
  callerIdentity(): Promise<CallerIdentity>;
}

export interface OidcProvider {
  readonly arn: string;
  /** As IAM returns it: without the scheme. */
  readonly url: string;
  readonly clientIds: readonly string[];
  readonly thumbprints: readonly string[];
  readonly tags: Tags;
}

/** IAM: OpenID Connect providers. */
export interface OidcProviderPort {
  get(arn: string): Promise<OidcProvider | undefined>;
  create(input: {
    url: string;
    clientIds: readonly string[];
    thumbprints: readonly string[];
    tags: Tags;
  }): Promise<string>;
  addClientId(arn: string, clientId: string): Promise<void>;
  updateThumbprints(arn: string, thumbprints: readonly string[]): Promise<void>;
  /** Removing a client ID the provider does not hold succeeds (IAM documents it so). */
  removeClientId(arn: string, clientId: string): Promise<void>;
  /** A provider already gone counts as deleted (NoSuchEntity is not an error here). */
  delete(arn: string): Promise<void>;
}

export interface Role {
  readonly name: string;
  readonly arn: string;
  /** Decoded JSON (IAM returns it URL-encoded). */
  readonly trustPolicy: unknown;
  readonly maxSessionDuration: number;
  /** New roles take 10-60 s to become assumable: `verify` waits for a young one. */
  readonly createdAt?: Date;
  readonly tags: Tags;
}

/** IAM: roles and the managed policies attached to them. */
export interface RolePort {
  get(name: string): Promise<Role | undefined>;
  create(input: {
    name: string;
    trustPolicy: unknown;
    maxSessionDuration: number;
    description: string;
    tags: Tags;
  }): Promise<Role>;
  updateTrustPolicy(name: string, trustPolicy: unknown): Promise<void>;
  updateMaxSessionDuration(name: string, seconds: number): Promise<void>;
  /** Whether a managed policy exists (read before anything is attached). */
  policyExists(arn: string): Promise<boolean>;
  /** Empty when the role does not exist. */
  listAttachedPolicies(roleName: string): Promise<string[]>;
  attachPolicy(roleName: string, policyArn: string): Promise<void>;
  detachPolicy(roleName: string, policyArn: string): Promise<void>;
  /** A role already gone counts as deleted. */
  delete(name: string): Promise<void>;
  /** Every role of the account, all pages, with its trust policy decoded. */
  list(): Promise<RoleSummary[]>;
}

export interface RoleSummary {
  readonly name: string;
  readonly arn: string;
  readonly trustPolicy: unknown;
}

export interface Parameter {
  readonly name: string;
  readonly value: string;
  readonly type: string;
  readonly arn: string;
  readonly tags: Tags;
}

export interface SsmPort {
  get(name: string): Promise<Parameter | undefined>;
  put(input: { name: string; value: string; overwrite: boolean; description: string; tags: Tags }): Promise<void>;
  /** Puts back a value someone else's parameter held, touching nothing else of it. */
  restore(name: string, value: string): Promise<void>;
  /** A parameter already gone counts as deleted. */
  delete(name: string): Promise<void>;
}

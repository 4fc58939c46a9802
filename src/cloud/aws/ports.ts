/**
 * The AWS calls oidc-bridge makes, and nothing more. Layers depend on these interfaces; only the
 * adapters import the SDK. "Not found" comes back as undefined, never as an exception.
 */
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
  readonly tags: Readonly<Record<string, string>>;
}

export interface Role {
  readonly name: string;
  readonly arn: string;
  /** Decoded JSON (IAM returns it URL-encoded). */
  readonly trustPolicy: unknown;
  readonly maxSessionDuration: number;
  readonly tags: Readonly<Record<string, string>>;
}

export interface IamPort {
  getOidcProvider(arn: string): Promise<OidcProvider | undefined>;
  createOidcProvider(input: {
    url: string;
    clientIds: readonly string[];
    thumbprints: readonly string[];
    tags: Readonly<Record<string, string>>;
  }): Promise<string>;
  addClientId(arn: string, clientId: string): Promise<void>;
  updateThumbprints(arn: string, thumbprints: readonly string[]): Promise<void>;

  getRole(name: string): Promise<Role | undefined>;
  createRole(input: {
    name: string;
    trustPolicy: unknown;
    maxSessionDuration: number;
    description: string;
    tags: Readonly<Record<string, string>>;
  }): Promise<Role>;
  updateTrustPolicy(name: string, trustPolicy: unknown): Promise<void>;
  updateMaxSessionDuration(name: string, seconds: number): Promise<void>;
  listAttachedPolicies(roleName: string): Promise<string[]>;
  attachPolicy(roleName: string, policyArn: string): Promise<void>;
  detachPolicy(roleName: string, policyArn: string): Promise<void>;
}

export interface Parameter {
  readonly name: string;
  readonly value: string;
  readonly type: string;
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface SsmPort {
  getParameter(name: string): Promise<Parameter | undefined>;
  putParameter(input: {
    name: string;
    value: string;
    overwrite: boolean;
    description: string;
    tags: Readonly<Record<string, string>>;
  }): Promise<void>;
}

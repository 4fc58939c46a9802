/**
 * Region, credentials and endpoints reach every AWS client from this one place.
 */
export type AwsService = "iam" | "sts" | "ssm";

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsSettingsInput {
  readonly region: string;
  readonly profile?: string | undefined;
  /** Fixed credentials (the sandbox's); else the SDK's default chain. */
  readonly credentials?: AwsCredentials;
  /** Endpoints to use unless the environment names its own (AWS_ENDPOINT_URL[_<SERVICE>]). */
  readonly endpoints?: Partial<Record<AwsService, string | undefined>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly maxAttempts?: number;
}

export interface AwsClientSettings {
  readonly region: string;
  /** Options for `new XClient(...)`. */
  clientConfig(service: AwsService): Record<string, unknown>;
  /** The endpoint a client of this service will use, for messages (undefined: the SDK's default). */
  endpointOf(service: AwsService): string | undefined;
}

/**
 * The SDK's default of 3 attempts is spent by one burst of throttling (IAM's request rate is low
 * and account-wide); a deployment makes dozens of calls, so a run would fail though every call
 * would have gone through. The SDK's retry quota still stops a storm of retries.
 */
const AWS_MAX_ATTEMPTS = 8;

export function awsClientSettings(input: AwsSettingsInput): AwsClientSettings {
  const envEndpoint = (service: AwsService): string | undefined =>
    input.env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] ?? input.env.AWS_ENDPOINT_URL;
  // The SDK reads AWS_ENDPOINT_URL itself; only pass our endpoint when the environment has none,
  // so a user can point any service at another emulator.
  const ourEndpoint = (service: AwsService): string | undefined =>
    envEndpoint(service) ? undefined : input.endpoints?.[service];
  return {
    region: input.region,
    endpointOf: (service) => envEndpoint(service) ?? input.endpoints?.[service],
    clientConfig(service) {
      const endpoint = ourEndpoint(service);
      const overridden = envEndpoint(service) !== undefined && input.env.AWS_ACCESS_KEY_ID !== undefined;
      return {
        region: input.region,
        ...(endpoint ? { endpoint } : {}),
        ...(input.credentials && !overridden ? { credentials: input.credentials } : {}),
        ...(input.profile && !input.credentials ? { profile: input.profile } : {}),
        maxAttempts: input.maxAttempts ?? AWS_MAX_ATTEMPTS,
      };
    },
  };
}

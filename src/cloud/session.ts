import { awsClientSettings, type AwsClientSettings } from "./aws/settings.js";
import { azureSettings, type AzureSettings } from "./azure/settings.js";
import { cloudEndpoints } from "./azure/clouds.js";
import type { Config } from "../config/schema.js";
import { openSandbox, type SandboxHandle } from "../sandbox/index.js";
import { viaSandbox } from "./sandbox-failure.js";

/** Everything a command needs to reach the clouds, real or sandbox, built in one place. */
export interface CloudSession {
  readonly aws: AwsClientSettings;
  readonly azure: AzureSettings;
  readonly sandbox?: SandboxHandle;
  close(): Promise<void>;
}

export interface OpenSessionOptions {
  readonly config: Config;
  readonly sandbox: boolean;
  readonly stateDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Shown what the sandbox cleaned up on the way (a stale running.json). */
  readonly warn?: (message: string) => void;
}

export async function openCloudSession(options: OpenSessionOptions): Promise<CloudSession> {
  const { config, env } = options;
  if (!options.sandbox) {
    return {
      aws: awsClientSettings({ region: config.aws.region, profile: config.aws.profile, env }),
      azure: azureSettings({
        endpoints: cloudEndpoints(config.azure.cloud),
        tenantId: config.azure.tenantId,
        subscriptionId: config.azure.subscriptionId,
      }),
      close: () => Promise.resolve(),
    };
  }
  // The front door loads the emulators only when it has to start a sandbox here.
  const sandbox = await viaSandbox(() =>
    openSandbox(options.stateDir, env, options.warn === undefined ? {} : { warn: options.warn }),
  );
  const entra = sandbox.endpoints.entra as string;
  const issuerHost = sandbox.endpoints["entra-sts"] as string;
  const arm = sandbox.endpoints.arm as string;
  return {
    sandbox,
    aws: awsClientSettings({
      region: config.aws.region,
      credentials: sandbox.aws,
      endpoints: { iam: sandbox.endpoints.iam, sts: sandbox.endpoints.sts, ssm: sandbox.endpoints.ssm },
      env,
    }),
    azure: azureSettings({
      endpoints: {
        resourceManager: arm,
        authorityHost: entra,
        armAudience: "https://management.azure.com",
        stsHost: issuerHost,
      },
      servicePrincipal: sandbox.azure,
      subscriptionId: config.azure.subscriptionId,
    }),
    close: () => sandbox.close(),
  };
}

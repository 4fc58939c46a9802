import type { AwsClientSettings } from "./settings.js";
import type { StsPort } from "./ports.js";
import { call } from "./sdk-call.js";

/** The STS port over the SDK (imported lazily, here only). */
export async function createStsPort(settings: AwsClientSettings): Promise<StsPort> {
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const client = new STSClient(settings.clientConfig("sts"));
  return {
    async callerIdentity() {
      const out = await call("STS GetCallerIdentity (who am I in AWS?)", () =>
        client.send(new GetCallerIdentityCommand({})),
      );
      const arn = out.Arn ?? "";
      return { account: out.Account ?? "", arn, partition: arn.split(":")[1] ?? "aws" };
    },
  };
}

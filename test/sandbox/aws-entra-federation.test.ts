import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  GetOpenIDConnectProviderCommand,
  IAMClient,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { createAwsService, readAwsSandboxCredentials } from "../../src/sandbox/aws/index.js";
import { createAzureService, ENTRA_LISTENER, ISSUER_LISTENER } from "../../src/sandbox/azure/index.js";
import { SANDBOX_TENANT_ID } from "../../src/sandbox/constants.js";
import { thumbprintOf } from "../../src/oidc/thumbprint.js";
import { endpointOf } from "../helpers/endpoint.js";
import { rejection } from "../helpers/rejection.js";
import { trustSandboxCa } from "../helpers/trust-sandbox-ca.js";
import { AUDIENCE, webIdentityTrustPolicy } from "../helpers/aws-federation.js";

/**
 * The sandbox Entra as the identity provider: its v1 issuer host and its key host sit on different
 * certificate chains, as sts.windows.net and login.windows.net do, so the provider's thumbprints
 * must cover the key host — the one STS checks.
 */

const PRINCIPAL = "0f1e2d3c-4b5a-4968-8776-655443322110";

let dir: string;
let sandbox: RunningSandbox;
let azure: ReturnType<typeof createAzureService>;
let iam: IAMClient;
let sts: STSClient;
let issuer: string;
let providerArn: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aws-entra-"));
  azure = createAzureService();
  sandbox = await startSandbox({ dir, services: [createAwsService(), azure], env: {} });
  trustSandboxCa(sandbox.caPem);
  const credentials = await readAwsSandboxCredentials(dir);
  iam = new IAMClient({ region: "us-east-1", endpoint: endpointOf(sandbox.endpoints, "iam"), credentials });
  sts = new STSClient({ region: "us-east-1", endpoint: endpointOf(sandbox.endpoints, "sts"), maxAttempts: 1 });
  issuer = `${endpointOf(sandbox.endpoints, ISSUER_LISTENER)}/${SANDBOX_TENANT_ID}/`;
  // No thumbprints: IAM records them itself.
  const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: [AUDIENCE] }));
  providerArn = provider.OpenIDConnectProviderArn ?? "";
  const hostPath = issuer.replace("https://", "");
  await iam.send(
    new CreateRoleCommand({
      RoleName: "entra-vm",
      AssumeRolePolicyDocument: webIdentityTrustPolicy(providerArn, hostPath, PRINCIPAL),
    }),
  );
});

afterAll(async () => {
  iam?.destroy();
  sts?.destroy();
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function assumeWithEntraToken(): Promise<string | undefined> {
  const token = await azure.issueToken({ sub: PRINCIPAL, oid: PRINCIPAL, appid: "c1d2", aud: AUDIENCE });
  const out = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: "arn:aws:iam::123456789012:role/entra-vm",
      RoleSessionName: "vm",
      WebIdentityToken: token.accessToken,
    }),
  );
  const who = new STSClient({
    region: "us-east-1",
    endpoint: endpointOf(sandbox.endpoints, "sts"),
    credentials: {
      accessKeyId: out.Credentials?.AccessKeyId ?? "",
      secretAccessKey: out.Credentials?.SecretAccessKey ?? "",
      sessionToken: out.Credentials?.SessionToken ?? "",
    },
  });
  const arn = (await who.send(new GetCallerIdentityCommand({}))).Arn;
  who.destroy();
  return arn;
}

describe("federation from the sandbox Entra", () => {
  test("a provider created without thumbprints records the issuer host's and the key host's", async () => {
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
    const issuerHost = await thumbprintOf(endpointOf(sandbox.endpoints, ISSUER_LISTENER));
    const keyHost = await thumbprintOf(endpointOf(sandbox.endpoints, ENTRA_LISTENER));
    expect(issuerHost.thumbprint).not.toBe(keyHost.thumbprint);
    expect(got.ThumbprintList).toEqual([issuerHost.thumbprint, keyHost.thumbprint]);
  });

  test("an Entra token for the audience is exchanged for a session of the role", async () => {
    expect(await assumeWithEntraToken()).toBe("arn:aws:sts::123456789012:assumed-role/entra-vm/vm");
  });

  test("with only the issuer host's thumbprint, STS refuses: the key host's certificate does not match", async () => {
    const issuerHost = await thumbprintOf(endpointOf(sandbox.endpoints, ISSUER_LISTENER));
    const keyHost = await thumbprintOf(endpointOf(sandbox.endpoints, ENTRA_LISTENER));
    await iam.send(
      new UpdateOpenIDConnectProviderThumbprintCommand({
        OpenIDConnectProviderArn: providerArn,
        ThumbprintList: [issuerHost.thumbprint],
      }),
    );
    const err = await rejection(assumeWithEntraToken());
    expect([err.name, err.message]).toEqual([
      "InvalidIdentityTokenException",
      "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint",
    ]);
    await iam.send(
      new UpdateOpenIDConnectProviderThumbprintCommand({
        OpenIDConnectProviderArn: providerArn,
        ThumbprintList: [issuerHost.thumbprint, keyHost.thumbprint],
      }),
    );
    expect(await assumeWithEntraToken()).toContain("assumed-role/entra-vm/");
  });
});

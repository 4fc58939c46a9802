import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, rootCertificates } from "node:tls";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
} from "@aws-sdk/client-iam";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { createAwsService, readAwsSandboxCredentials } from "../../src/sandbox/aws/index.js";
import { SANDBOX_ENV } from "../../src/sandbox/constants.js";
import { rejection } from "../helpers/rejection.js";
import { endpointOf } from "../helpers/endpoint.js";
import { NodeSha256 } from "../helpers/node-sha256.js";
import { trustSandboxCa } from "../helpers/trust-sandbox-ca.js";

let dir: string;
let sandbox: RunningSandbox;
let endpoints: { iam: string; sts: string; ssm: string };
let credentials: { accessKeyId: string; secretAccessKey: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aws-auth-"));
  sandbox = await startSandbox({ dir, services: [createAwsService()], env: {} });
  trustSandboxCa(sandbox.caPem);
  credentials = await readAwsSandboxCredentials(dir);
  endpoints = {
    iam: sandbox.endpoints.iam as string,
    sts: sandbox.endpoints.sts as string,
    ssm: sandbox.endpoints.ssm as string,
  };
});

afterAll(async () => {
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A hand-made signed query-protocol call, for what the SDK cannot send (unknown actions). */
async function signedQuery(endpoint: string, service: string, body: string): Promise<Response> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ credentials, region: "us-east-1", service, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: "POST",
    protocol: "https:",
    hostname: url.hostname,
    port: Number(url.port),
    path: "/",
    query: {},
    headers: { host: url.host, "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  return fetch(`${endpoint}/`, { method: "POST", headers: signed.headers, body });
}

/** Whether a TLS client trusting only `ca` accepts the listener's chain (SAN 127.0.0.1 included). */
function tlsVerdict(endpoint: string, ca: readonly string[]): Promise<string> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: url.hostname, port: Number(url.port), ca: [...ca], rejectUnauthorized: false },
      () => {
        resolve(socket.authorized ? "authorized" : String(socket.authorizationError));
        socket.end();
      },
    );
    socket.once("error", reject);
  });
}

describe("HTTPS like the real endpoints", () => {
  test("IAM, STS and SSM listen on https, with a chain that only the sandbox CA makes trusted", async () => {
    for (const endpoint of Object.values(endpoints)) {
      expect(endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(await tlsVerdict(endpoint, [sandbox.caPem])).toBe("authorized");
      expect(await tlsVerdict(endpoint, rootCertificates)).toBe("UNABLE_TO_GET_ISSUER_CERT_LOCALLY");
    }
  });
});

describe("SigV4 authentication", () => {
  test("the generated key is AKIA + 16 characters with a 40-character secret", () => {
    expect(credentials.accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
    expect(credentials.secretAccessKey).toHaveLength(40);
  });

  test("GetCallerIdentity names the sandbox admin user in account 123456789012", async () => {
    const sts = new STSClient({ region: "us-east-1", endpoint: endpointOf(sandbox.endpoints, "sts"), credentials });
    const out = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(out.Account).toBe("123456789012");
    expect(out.Arn).toBe("arn:aws:iam::123456789012:user/sandbox-admin");
    expect(out.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/);
  });

  test("a wrong secret key is SignatureDoesNotMatch (403) on IAM and InvalidSignatureException on SSM", async () => {
    const wrong = { ...credentials, secretAccessKey: "x".repeat(40) };
    const iam = new IAMClient({
      region: "us-east-1",
      endpoint: endpointOf(sandbox.endpoints, "iam"),
      credentials: wrong,
      maxAttempts: 1,
    });
    const err = await rejection(iam.send(new ListOpenIDConnectProvidersCommand({})));
    iam.destroy();
    expect(err.name).toBe("SignatureDoesNotMatch");
    expect(err.$metadata?.httpStatusCode).toBe(403);

    const ssm = new SSMClient({
      region: "us-east-1",
      endpoint: endpointOf(sandbox.endpoints, "ssm"),
      credentials: wrong,
      maxAttempts: 1,
    });
    const ssmErr = await rejection(ssm.send(new GetParameterCommand({ Name: "/x" })));
    ssm.destroy();
    expect(ssmErr.name).toBe("InvalidSignatureException");
  });

  test("an unknown access key is InvalidClientTokenId (403) on STS and UnrecognizedClientException on SSM", async () => {
    const unknown = { accessKeyId: "AKIAAAAAAAAAAAAAAAAA", secretAccessKey: credentials.secretAccessKey };
    const sts = new STSClient({
      region: "us-east-1",
      endpoint: endpointOf(sandbox.endpoints, "sts"),
      credentials: unknown,
      maxAttempts: 1,
    });
    const err = await rejection(sts.send(new GetCallerIdentityCommand({})));
    sts.destroy();
    expect(err.name).toBe("InvalidClientTokenId");
    expect(err.$metadata?.httpStatusCode).toBe(403);

    const ssm = new SSMClient({
      region: "us-east-1",
      endpoint: endpointOf(sandbox.endpoints, "ssm"),
      credentials: unknown,
      maxAttempts: 1,
    });
    const ssmErr = await rejection(ssm.send(new GetParameterCommand({ Name: "/x" })));
    ssm.destroy();
    expect(ssmErr.name).toBe("UnrecognizedClientException");
  });

  test("an unsigned request is MissingAuthenticationToken (403) in query-protocol XML", async () => {
    const res = await fetch(`${sandbox.endpoints.iam}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=ListOpenIDConnectProviders&Version=2010-05-08",
    });
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">');
    expect(text).toContain("<Type>Sender</Type>");
    expect(text).toContain("<Code>MissingAuthenticationToken</Code>");
    expect(text).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId>/);
    expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("a signed request for an unknown action is InvalidAction (400)", async () => {
    const res = await signedQuery(endpoints.iam, "iam", "Action=CreateUser&Version=2010-05-08&UserName=x");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("<Code>InvalidAction</Code>");
  });

  test("a body altered after signing is SignatureDoesNotMatch", async () => {
    const url = new URL(endpoints.iam);
    const signer = new SignatureV4({ credentials, region: "us-east-1", service: "iam", sha256: NodeSha256 });
    const body = "Action=ListOpenIDConnectProviders&Version=2010-05-08";
    const signed = await signer.sign({
      method: "POST",
      protocol: "https:",
      hostname: url.hostname,
      port: Number(url.port),
      path: "/",
      query: {},
      headers: { host: url.host, "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    const res = await fetch(`${sandbox.endpoints.iam}/`, {
      method: "POST",
      headers: signed.headers,
      body: `${body}&Extra=1`,
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });

  test("a request signed more than 15 minutes away from the server's clock is refused as expired", async () => {
    const skewDir = await mkdtemp(join(tmpdir(), "aws-skew-"));
    const skewed = await startSandbox({
      dir: skewDir,
      services: [createAwsService()],
      env: {},
      now: () => Date.now() + 20 * 60_000,
    });
    trustSandboxCa(skewed.caPem);
    try {
      const creds = await readAwsSandboxCredentials(skewDir);
      const sts = new STSClient({
        region: "us-east-1",
        endpoint: endpointOf(skewed.endpoints, "sts"),
        credentials: creds,
        maxAttempts: 1,
      });
      const err = await rejection(sts.send(new GetCallerIdentityCommand({})));
      sts.destroy();
      expect(err.name).toBe("SignatureDoesNotMatch");
      expect(err.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    } finally {
      await skewed.stop();
      await rm(skewDir, { recursive: true, force: true });
    }
  });
});

describe("access denial switch", () => {
  let deniedDir: string;
  let denied: RunningSandbox;
  let creds: { accessKeyId: string; secretAccessKey: string };

  beforeAll(async () => {
    deniedDir = await mkdtemp(join(tmpdir(), "aws-deny-"));
    denied = await startSandbox({
      dir: deniedDir,
      services: [createAwsService()],
      env: { [SANDBOX_ENV.deny]: "iam:CreateOpenIDConnectProvider, ssm:Put*" },
    });
    trustSandboxCa(denied.caPem);
    creds = await readAwsSandboxCredentials(deniedDir);
  });

  afterAll(async () => {
    await denied?.stop();
    await rm(deniedDir, { recursive: true, force: true });
  });

  test("a denied IAM action is AccessDenied (403) naming the user, action and resource", async () => {
    const iam = new IAMClient({
      region: "us-east-1",
      endpoint: endpointOf(denied.endpoints, "iam"),
      credentials: creds,
      maxAttempts: 1,
    });
    const err = await rejection(
      iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://issuer.example.com/t/", ClientIDList: ["a"] })),
    );
    expect(err.name).toBe("AccessDenied");
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(err.message).toBe(
      "User: arn:aws:iam::123456789012:user/sandbox-admin is not authorized to perform: iam:CreateOpenIDConnectProvider on resource: " +
        "arn:aws:iam::123456789012:oidc-provider/issuer.example.com/t/ because no identity-based policy allows the iam:CreateOpenIDConnectProvider action",
    );
    // Actions not on the list still work.
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: "allowed",
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      }),
    );
    iam.destroy();
    expect(role.Role?.RoleName).toBe("allowed");
  });

  test("a wildcard entry denies matching SSM actions with AccessDeniedException", async () => {
    const ssm = new SSMClient({
      region: "us-east-1",
      endpoint: endpointOf(denied.endpoints, "ssm"),
      credentials: creds,
      maxAttempts: 1,
    });
    const err = await rejection(ssm.send(new PutParameterCommand({ Name: "/denied", Value: "v", Type: "String" })));
    ssm.destroy();
    expect(err.name).toBe("AccessDeniedException");
    expect(err.message).toContain("ssm:PutParameter on resource: arn:aws:ssm:us-east-1:123456789012:parameter/denied");
  });

  test("GetCallerIdentity cannot be denied, as in AWS", async () => {
    const env = { [SANDBOX_ENV.deny]: "*" };
    const allDir = await mkdtemp(join(tmpdir(), "aws-deny-all-"));
    const all = await startSandbox({ dir: allDir, services: [createAwsService()], env });
    trustSandboxCa(all.caPem);
    try {
      const sts = new STSClient({
        region: "us-east-1",
        endpoint: endpointOf(all.endpoints, "sts"),
        credentials: await readAwsSandboxCredentials(allDir),
      });
      const out = await sts.send(new GetCallerIdentityCommand({}));
      sts.destroy();
      expect(out.Account).toBe("123456789012");
    } finally {
      await all.stop();
      await rm(allDir, { recursive: true, force: true });
    }
  });
});

describe("injected faults and latency", () => {
  async function withSandbox(
    env: Record<string, string>,
    run: (s: RunningSandbox, creds: { accessKeyId: string; secretAccessKey: string }) => Promise<void>,
  ): Promise<void> {
    const faultDir = await mkdtemp(join(tmpdir(), "aws-fault-"));
    const s = await startSandbox({ dir: faultDir, services: [createAwsService()], env });
    trustSandboxCa(s.caPem);
    try {
      await run(s, await readAwsSandboxCredentials(faultDir));
    } finally {
      await s.stop();
      await rm(faultDir, { recursive: true, force: true });
    }
  }

  test("a throttle is Throttling with HTTP 400 on IAM and ThrottlingException on SSM, as AWS answers", async () => {
    await withSandbox({ [SANDBOX_ENV.faultRate]: "1", [SANDBOX_ENV.faultStatus]: "429" }, async (s, creds) => {
      const iam = new IAMClient({
        region: "us-east-1",
        endpoint: endpointOf(s.endpoints, "iam"),
        credentials: creds,
        maxAttempts: 1,
      });
      const err = await rejection(iam.send(new ListOpenIDConnectProvidersCommand({})));
      iam.destroy();
      expect(err.name).toBe("Throttling");
      expect(err.$metadata?.httpStatusCode).toBe(400);
      const ssm = new SSMClient({
        region: "us-east-1",
        endpoint: endpointOf(s.endpoints, "ssm"),
        credentials: creds,
        maxAttempts: 1,
      });
      const ssmErr = await rejection(ssm.send(new GetParameterCommand({ Name: "/x" })));
      ssm.destroy();
      expect(ssmErr.name).toBe("ThrottlingException");
    });
  });

  test("a server fault is ServiceFailure (500) on IAM and InternalFailure on STS", async () => {
    await withSandbox({ [SANDBOX_ENV.faultRate]: "1", [SANDBOX_ENV.faultStatus]: "500" }, async (s, creds) => {
      const iam = new IAMClient({
        region: "us-east-1",
        endpoint: endpointOf(s.endpoints, "iam"),
        credentials: creds,
        maxAttempts: 1,
      });
      const err = await rejection(iam.send(new ListOpenIDConnectProvidersCommand({})));
      iam.destroy();
      expect(err.name).toBe("ServiceFailureException");
      expect(err.$metadata?.httpStatusCode).toBe(500);
      const sts = new STSClient({
        region: "us-east-1",
        endpoint: endpointOf(s.endpoints, "sts"),
        credentials: creds,
        maxAttempts: 1,
      });
      const stsErr = await rejection(sts.send(new GetCallerIdentityCommand({})));
      sts.destroy();
      expect(stsErr.name).toBe("InternalFailure");
    });
  });

  test("the realistic profile makes an IAM write take its real-world time", async () => {
    await withSandbox({ [SANDBOX_ENV.profile]: "realistic", [SANDBOX_ENV.latencyScale]: "0.5" }, async (s, creds) => {
      const iam = new IAMClient({
        region: "us-east-1",
        endpoint: endpointOf(s.endpoints, "iam"),
        credentials: creds,
        maxAttempts: 1,
      });
      const started = Date.now();
      await iam.send(
        new CreateOpenIDConnectProviderCommand({ Url: "https://issuer.example.com/slow/", ClientIDList: ["a"] }),
      );
      iam.destroy();
      // 700 ms x 0.5
      expect(Date.now() - started).toBeGreaterThanOrEqual(340);
    });
  });
});

describe("persistence", () => {
  test("the access key and the account's resources survive a sandbox restart", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "aws-restart-"));
    try {
      const first = await startSandbox({ dir: stateDir, services: [createAwsService()], env: {} });
      trustSandboxCa(first.caPem);
      const creds = await readAwsSandboxCredentials(stateDir);
      // The SDK marks credential objects it is given, so it gets a copy.
      const ssm = new SSMClient({
        region: "us-east-1",
        endpoint: endpointOf(first.endpoints, "ssm"),
        credentials: { ...creds },
        maxAttempts: 1,
      });
      await ssm.send(new PutParameterCommand({ Name: "/kept", Value: "v", Type: "String" }));
      ssm.destroy();
      await first.stop();

      const second = await startSandbox({ dir: stateDir, services: [createAwsService()], env: {} });
      trustSandboxCa(second.caPem);
      try {
        expect(await readAwsSandboxCredentials(stateDir)).toEqual(creds);
        const again = new SSMClient({
          region: "us-east-1",
          endpoint: endpointOf(second.endpoints, "ssm"),
          credentials: creds,
          maxAttempts: 1,
        });
        expect((await again.send(new GetParameterCommand({ Name: "/kept" }))).Parameter?.Value).toBe("v");
        again.destroy();
      } finally {
        await second.stop();
      }
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});

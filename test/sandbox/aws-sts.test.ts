import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  GetOpenIDConnectProviderCommand,
  IAMClient,
} from "@aws-sdk/client-iam";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import {
  AssumeRoleWithWebIdentityCommand,
  ExpiredTokenException,
  GetCallerIdentityCommand,
  InvalidIdentityTokenException,
  MalformedPolicyDocumentException,
  STSClient,
} from "@aws-sdk/client-sts";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { createAwsService, readAwsSandboxCredentials } from "../../src/sandbox/aws/index.js";
import { rejection } from "../helpers/rejection.js";
import { endpointOf } from "../helpers/endpoint.js";
import { issuerService, webIdentityTrust } from "../helpers/sandbox-oidc-issuer.js";
import { trustSandboxCa } from "../helpers/trust-sandbox-ca.js";

let dir: string;
let sandbox: RunningSandbox;
let sts: STSClient;
let iam: IAMClient;
let privateKey: CryptoKey;
let ecPrivateKey: CryptoKey;
let issuer: string;
let providerHostPath: string;
const AUDIENCE = "api://oidc-bridge";
const SUBJECT = "9b2c1d4e-aaaa-bbbb-cccc-0123456789ab";
const ROLE_ARN = "arn:aws:iam::123456789012:role/web-identity";

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const ec = await generateKeyPair("ES256", { extractable: true });
  ecPrivateKey = ec.privateKey;
  const ecJwk = { ...(await exportJWK(ec.publicKey)), kid: "e1", alg: "ES256", use: "sig" };
  dir = await mkdtemp(join(tmpdir(), "aws-sts-"));
  sandbox = await startSandbox({ dir, services: [createAwsService(), issuerService([jwk, ecJwk])], env: {} });
  trustSandboxCa(sandbox.caPem);
  const credentials = await readAwsSandboxCredentials(dir);
  sts = new STSClient({
    region: "us-east-1",
    endpoint: endpointOf(sandbox.endpoints, "sts"),
    credentials,
    maxAttempts: 1,
  });
  iam = new IAMClient({
    region: "us-east-1",
    endpoint: endpointOf(sandbox.endpoints, "iam"),
    credentials,
    maxAttempts: 1,
  });
  issuer = `${sandbox.endpoints.issuer}/tenant/`;
  providerHostPath = issuer.replace("https://", "");
  const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: [AUDIENCE] }));
  await iam.send(
    new CreateRoleCommand({
      RoleName: "web-identity",
      AssumeRolePolicyDocument: webIdentityTrust(provider.OpenIDConnectProviderArn, issuer, AUDIENCE, SUBJECT),
    }),
  );
  // The session below writes a parameter: its role needs a policy that allows it.
  await iam.send(
    new AttachRolePolicyCommand({ RoleName: "web-identity", PolicyArn: "arn:aws:iam::aws:policy/AmazonSSMFullAccess" }),
  );
});

afterAll(async () => {
  sts?.destroy();
  iam?.destroy();
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function token(
  claims: { sub?: string; aud?: string; iss?: string; expSecondsFromNow?: number } = {},
  key: CryptoKey | Uint8Array = privateKey,
  header: { alg: string; kid: string } = { alg: "RS256", kid: "k1" },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: claims.sub ?? SUBJECT })
    .setProtectedHeader({ ...header, typ: "JWT" })
    .setIssuer(claims.iss ?? issuer)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (claims.expSecondsFromNow ?? 3600))
    .sign(key);
}

const assume = async (webIdentityToken: string, extra: { DurationSeconds?: number; RoleArn?: string } = {}) =>
  sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: ROLE_ARN,
      RoleSessionName: "vm-session",
      WebIdentityToken: webIdentityToken,
      ...extra,
    }),
  );

describe("IAM provider for a live sandbox issuer", () => {
  test("created without thumbprints, it records the SHA-1 of the issuer's top intermediate CA", async () => {
    const arn = `arn:aws:iam::123456789012:oidc-provider/${providerHostPath}`;
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    const intermediate = new X509Certificate(await readFile(join(dir, "ca", "intermediate-a.pem")));
    expect(got.ThumbprintList).toEqual([intermediate.fingerprint.replace(/:/g, "").toLowerCase()]);
  });
});

describe("STS AssumeRoleWithWebIdentity", () => {
  test("a valid token whose sub and aud match the trust policy yields working temporary credentials", async () => {
    const out = await assume(await token());
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
    expect((out.Credentials?.Expiration?.getTime() ?? 0) - Date.now()).toBeGreaterThan(3500_000);
    expect(out.AssumedRoleUser?.Arn).toBe("arn:aws:sts::123456789012:assumed-role/web-identity/vm-session");
    expect(out.SubjectFromWebIdentityToken).toBe(SUBJECT);
    expect(out.Audience).toBe(AUDIENCE);

    const session = {
      accessKeyId: out.Credentials?.AccessKeyId as string,
      secretAccessKey: out.Credentials?.SecretAccessKey as string,
      sessionToken: out.Credentials?.SessionToken as string,
    };
    const asRole = new STSClient({
      region: "us-east-1",
      endpoint: endpointOf(sandbox.endpoints, "sts"),
      credentials: session,
      maxAttempts: 1,
    });
    const who = await asRole.send(new GetCallerIdentityCommand({}));
    asRole.destroy();
    expect(who.Arn).toBe("arn:aws:sts::123456789012:assumed-role/web-identity/vm-session");

    const ssm = new SSMClient({
      region: "us-east-1",
      endpoint: endpointOf(sandbox.endpoints, "ssm"),
      credentials: session,
      maxAttempts: 1,
    });
    await ssm.send(new PutParameterCommand({ Name: "/from-role", Value: "ok", Type: "String" }));
    expect((await ssm.send(new GetParameterCommand({ Name: "/from-role" }))).Parameter?.Value).toBe("ok");
    ssm.destroy();

    const noToken = new STSClient({
      region: "us-east-1",
      endpoint: endpointOf(sandbox.endpoints, "sts"),
      credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey },
      maxAttempts: 1,
    });
    const err = await rejection(noToken.send(new GetCallerIdentityCommand({})));
    noToken.destroy();
    expect(err.name).toBe("InvalidClientTokenId");
  });

  test("a token for another audience is InvalidIdentityToken", async () => {
    const err = await rejection(assume(await token({ aud: "https://management.core.windows.net/" })));
    expect(err).toBeInstanceOf(InvalidIdentityTokenException);
    expect(err.message).toBe("Incorrect token audience");
  });

  test("a token from an issuer with no IAM provider is InvalidIdentityToken", async () => {
    const err = await rejection(assume(await token({ iss: issuer.slice(0, -1) })));
    expect(err).toBeInstanceOf(InvalidIdentityTokenException);
    expect(err.message).toMatch(/^No OpenIDConnect provider found in your account for /);
  });

  test("an ES256-signed token is accepted (STS takes RS256/384/512 and ES256/384/512); an HS256 one is not", async () => {
    const out = await assume(await token({}, ecPrivateKey, { alg: "ES256", kid: "e1" }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const hs = await token({}, new Uint8Array(32).fill(7), { alg: "HS256", kid: "k1" });
    expect(await rejection(assume(hs))).toBeInstanceOf(InvalidIdentityTokenException);
  });

  test("a token signed with another key is InvalidIdentityToken", async () => {
    const other = await generateKeyPair("RS256");
    const err = await rejection(assume(await token({}, other.privateKey)));
    expect(err).toBeInstanceOf(InvalidIdentityTokenException);
  });

  test("a token more than 5 minutes past exp is ExpiredTokenException; within 5 minutes it is accepted", async () => {
    const err = await rejection(assume(await token({ expSecondsFromNow: -600 })));
    expect(err).toBeInstanceOf(ExpiredTokenException);
    const out = await assume(await token({ expSecondsFromNow: -120 }));
    expect(out.Credentials?.AccessKeyId).toBeDefined();
  });

  test("a subject the trust policy does not allow is AccessDenied (403)", async () => {
    const err = await rejection(assume(await token({ sub: "someone-else" })));
    expect(err.name).toBe("AccessDenied");
    expect(err.message).toBe("Not authorized to perform sts:AssumeRoleWithWebIdentity");
    expect(err.$metadata?.httpStatusCode).toBe(403);
  });

  test("a role that does not exist looks the same as a denied one", async () => {
    const err = await rejection(assume(await token(), { RoleArn: "arn:aws:iam::123456789012:role/missing" }));
    expect(err.name).toBe("AccessDenied");
  });

  test("DurationSeconds above the role's MaxSessionDuration is a ValidationError", async () => {
    const err = await rejection(assume(await token(), { DurationSeconds: 7200 }));
    expect(err.name).toBe("ValidationError");
    expect(err.message).toMatch(/MaxSessionDuration/);
  });

  test("an invalid RoleSessionName is a ValidationError", async () => {
    const err = await rejection(
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: ROLE_ARN,
          RoleSessionName: "bad name",
          WebIdentityToken: await token(),
        }),
      ),
    );
    expect(err.name).toBe("ValidationError");
  });

  test("a session Policy that is not JSON is MalformedPolicyDocument; a too-short ProviderId fails validation", async () => {
    const webIdentityToken = await token();
    const policy = await rejection(
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: ROLE_ARN,
          RoleSessionName: "vm-session",
          WebIdentityToken: webIdentityToken,
          Policy: "{not json",
        }),
      ),
    );
    expect(policy).toBeInstanceOf(MalformedPolicyDocumentException);
    expect(policy.$metadata?.httpStatusCode).toBe(400);

    const provider = await rejection(
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: ROLE_ARN,
          RoleSessionName: "vm-session",
          WebIdentityToken: webIdentityToken,
          ProviderId: "ab",
        }),
      ),
    );
    expect(provider.name).toBe("ValidationError");
    expect(provider.message).toMatch(
      /'providerId' failed to satisfy constraint: Member must have length greater than or equal to 4/,
    );

    const arns = await rejection(
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: ROLE_ARN,
          RoleSessionName: "vm-session",
          WebIdentityToken: webIdentityToken,
          PolicyArns: [{ arn: "arn:short" }],
        }),
      ),
    );
    expect(arns.name).toBe("ValidationError");
    expect(arns.message).toMatch(/'policyArns.1.member.arn'/);
  });

  test("something that is not a JWT is InvalidIdentityToken", async () => {
    const err = await rejection(assume("not-a-jwt"));
    expect(err).toBeInstanceOf(InvalidIdentityTokenException);
  });
});

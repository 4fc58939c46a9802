import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { createAwsService, readAwsSandboxCredentials } from "../../src/sandbox/aws/index.js";
import { endpointOf } from "./endpoint.js";
import { NodeSha256 } from "./node-sha256.js";
import { issuerService } from "./sandbox-oidc-issuer.js";
import { trustSandboxCa } from "./trust-sandbox-ca.js";

/**
 * A sandbox with an OIDC issuer, an IAM provider trusting it and helpers to make roles, mint web
 * identity tokens, assume roles and call every AWS API as the admin or as a session. The clock
 * the sandbox sees can be moved forward (`advance`); clients made with `clients()` sign with the
 * same offset, so moved time never trips the 15-minute signature window.
 */

export const AUDIENCE = "api://oidc-bridge";
export const SUBJECT = "9b2c1d4e-aaaa-bbbb-cccc-0123456789ab";
export const REGION = "eu-central-1";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface Federation {
  readonly sandbox: RunningSandbox;
  readonly dir: string;
  readonly admin: Credentials;
  readonly issuer: string;
  /** "<host>/<path>/" — the provider URL without scheme, the prefix of its condition keys. */
  readonly hostPath: string;
  readonly providerArn: string;
  advance(ms: number): void;
  clients(credentials?: Credentials): { iam: IAMClient; sts: STSClient; ssm: SSMClient };
  token(claims?: { sub?: string; aud?: string; expSecondsFromNow?: number }, key?: CryptoKey): Promise<string>;
  trustPolicy(sub?: string): string;
  createRole(name: string, sub?: string): Promise<string>;
  assume(roleName: string, token?: string): Promise<Credentials>;
  /** GET / on S3 (ListBuckets), signed like the S3 client signs. */
  listBuckets(credentials: Credentials): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

export async function startFederation(env: Record<string, string> = {}): Promise<Federation> {
  const pair = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const dir = await mkdtemp(join(tmpdir(), "aws-federation-"));
  let offset = 0;
  const sandbox = await startSandbox({
    dir,
    services: [createAwsService(), issuerService([jwk])],
    env,
    now: () => Date.now() + offset,
  }).catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  trustSandboxCa(sandbox.caPem);
  const admin = await readAwsSandboxCredentials(dir);
  const issuer = `${sandbox.endpoints.issuer}/tenant/`;
  const hostPath = issuer.replace("https://", "");

  const clients = (credentials: Credentials = admin): { iam: IAMClient; sts: STSClient; ssm: SSMClient } => {
    const common = { region: REGION, credentials, maxAttempts: 1, systemClockOffset: offset };
    return {
      iam: new IAMClient({ ...common, endpoint: endpointOf(sandbox.endpoints, "iam") }),
      sts: new STSClient({ ...common, endpoint: endpointOf(sandbox.endpoints, "sts") }),
      ssm: new SSMClient({ ...common, endpoint: endpointOf(sandbox.endpoints, "ssm") }),
    };
  };
  const adminIam = clients().iam;
  const provider = await adminIam.send(
    new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: [AUDIENCE] }),
  );
  const providerArn = provider.OpenIDConnectProviderArn ?? "";

  const trustPolicy = (sub = SUBJECT): string => webIdentityTrustPolicy(providerArn, hostPath, sub);

  const token: Federation["token"] = (claims = {}, key = pair.privateKey) => {
    const now = Math.floor((Date.now() + offset) / 1000);
    return new SignJWT({ sub: claims.sub ?? SUBJECT })
      .setProtectedHeader({ alg: "RS256", kid: "k1", typ: "JWT" })
      .setIssuer(issuer)
      .setAudience(claims.aud ?? AUDIENCE)
      .setIssuedAt(now - 60)
      .setExpirationTime(now + (claims.expSecondsFromNow ?? 3600))
      .sign(key);
  };

  const federation: Federation = {
    sandbox,
    dir,
    admin,
    issuer,
    hostPath,
    providerArn,
    advance: (ms) => {
      offset += ms;
    },
    clients,
    token,
    trustPolicy,
    async createRole(name, sub) {
      const { iam } = clients();
      const out = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy(sub) }));
      iam.destroy();
      return out.Role?.Arn ?? "";
    },
    async assume(roleName, webIdentityToken) {
      // No credentials: the SDK sends this operation unsigned, as AWS accepts it.
      const sts = new STSClient({ region: REGION, endpoint: endpointOf(sandbox.endpoints, "sts"), maxAttempts: 1 });
      try {
        const out = await sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: `arn:aws:iam::123456789012:role/${roleName}`,
            RoleSessionName: "vm",
            WebIdentityToken: webIdentityToken ?? (await token()),
          }),
        );
        const c = out.Credentials;
        return {
          accessKeyId: c?.AccessKeyId ?? "",
          secretAccessKey: c?.SecretAccessKey ?? "",
          sessionToken: c?.SessionToken ?? "",
        };
      } finally {
        sts.destroy();
      }
    },
    listBuckets: (credentials) => s3ListBuckets(endpointOf(sandbox.endpoints, "s3"), credentials, offset),
    async stop() {
      adminIam.destroy();
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return federation;
}

/** A trust policy for tokens of one provider with our audience and this subject, as oidc-bridge writes it. */
export function webIdentityTrustPolicy(providerArn: string, hostPath: string, sub: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${hostPath}:aud`]: AUDIENCE, [`${hostPath}:sub`]: sub } },
      },
    ],
  });
}

async function s3ListBuckets(
  endpoint: string,
  credentials: Credentials,
  offsetMs: number,
): Promise<{ status: number; body: string }> {
  const url = new URL(endpoint);
  // Configured as the S3 client configures its signer: the path is not escaped twice.
  const signer = new SignatureV4({
    credentials,
    region: REGION,
    service: "s3",
    sha256: NodeSha256,
    uriEscapePath: false,
  });
  const signed = await signer.sign(
    {
      method: "GET",
      protocol: "https:",
      hostname: url.hostname,
      port: Number(url.port),
      path: "/",
      query: {},
      headers: { host: url.host },
    },
    { signingDate: new Date(Date.now() + offsetMs) },
  );
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: Number(url.port), method: "GET", path: "/", headers: signed.headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.once("error", reject);
    req.end();
  });
}

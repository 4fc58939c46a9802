import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
} from "@aws-sdk/client-iam";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
import { readJournal, startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { createAwsService, readAwsSandboxCredentials } from "../../src/sandbox/aws/index.js";
import { SANDBOX_ENV } from "../../src/sandbox/constants.js";
import { endpointOf } from "../helpers/endpoint.js";
import { issuerService, webIdentityTrust } from "../helpers/sandbox-oidc-issuer.js";
import { NodeSha256 } from "../helpers/node-sha256.js";
import { trustSandboxCa } from "../helpers/trust-sandbox-ca.js";

/**
 * S3 over REST-XML. No S3 SDK is installed (oidc-bridge itself never calls S3), so requests are
 * signed here with the same signer the SDK uses, configured as the S3 client configures it.
 */

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

let dir: string;
let sandbox: RunningSandbox;
let longTerm: Credentials;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aws-s3-"));
  const pair = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  sandbox = await startSandbox({ dir, services: [createAwsService(), issuerService([jwk])], env: {} });
  trustSandboxCa(sandbox.caPem);
  longTerm = await readAwsSandboxCredentials(dir);
  signToken = (sub) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub })
      .setProtectedHeader({ alg: "RS256", kid: "k1", typ: "JWT" })
      .setIssuer(`${sandbox.endpoints.issuer}/tenant/`)
      .setAudience("api://oidc-bridge")
      .setIssuedAt(now - 60)
      .setExpirationTime(now + 3600)
      .sign(pair.privateKey);
  };
});

afterAll(async () => {
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

let signToken: (sub: string) => Promise<string>;

/** Signs like the S3 client (service "s3", path not escaped again, payload hash header) and sends. */
async function s3Get(
  path: string,
  options: { credentials?: Credentials; query?: Record<string, string>; bucketHost?: string; endpoint?: string } = {},
): Promise<Reply> {
  const endpoint = new URL(options.endpoint ?? endpointOf(sandbox.endpoints, "s3"));
  const host = options.bucketHost ? `${options.bucketHost}.localhost:${endpoint.port}` : endpoint.host;
  let headers: Record<string, string> = { host };
  if (options.credentials) {
    const signer = new SignatureV4({
      credentials: options.credentials,
      region: "eu-central-1",
      service: "s3",
      sha256: NodeSha256,
      uriEscapePath: false,
    });
    const signed = await signer.sign({
      method: "GET",
      protocol: "https:",
      hostname: host.replace(/:\d+$/, ""),
      port: Number(endpoint.port),
      path,
      query: options.query ?? {},
      headers,
    });
    headers = signed.headers;
  }
  const search = new URLSearchParams(options.query ?? {}).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: Number(endpoint.port),
        // The leaf certificate names localhost, not each bucket's host name.
        servername: "localhost",
        method: "GET",
        path: search ? `${path}?${search}` : path,
        headers,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.once("error", reject);
    req.end();
  });
}

const names = (xml: string): string[] => [...xml.matchAll(/<Name>([^<]*)<\/Name>/g)].map((m) => m[1] as string);
const element = (xml: string, name: string): string | undefined =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/** Temporary credentials from AssumeRoleWithWebIdentity for a role the sandbox issuer's token may assume. */
async function federatedCredentials(): Promise<Credentials> {
  const iam = new IAMClient({
    region: "eu-central-1",
    endpoint: endpointOf(sandbox.endpoints, "iam"),
    credentials: longTerm,
  });
  const issuer = `${sandbox.endpoints.issuer}/tenant/`;
  const provider = await iam.send(
    new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ["api://oidc-bridge"] }),
  );
  await iam.send(
    new CreateRoleCommand({
      RoleName: "bucket-lister",
      AssumeRolePolicyDocument: webIdentityTrust(provider.OpenIDConnectProviderArn, issuer, "api://oidc-bridge", "vm"),
    }),
  );
  // Sessions can do what their role's policies allow: listing buckets needs s3:ListAllMyBuckets.
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: "bucket-lister",
      PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    }),
  );
  iam.destroy();
  const sts = new STSClient({ region: "eu-central-1", endpoint: endpointOf(sandbox.endpoints, "sts") });
  const out = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: "arn:aws:iam::123456789012:role/bucket-lister",
      RoleSessionName: "vm",
      WebIdentityToken: await signToken("vm"),
    }),
  );
  sts.destroy();
  const c = out.Credentials;
  return {
    accessKeyId: c?.AccessKeyId ?? "",
    secretAccessKey: c?.SecretAccessKey ?? "",
    sessionToken: c?.SessionToken ?? "",
  };
}

describe("S3 ListBuckets", () => {
  test("GET / answers ListAllMyBucketsResult: the seeded buckets by name, the owner's id, dates with milliseconds", async () => {
    const reply = await s3Get("/", { credentials: longTerm });
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("application/xml");
    expect(reply.headers["x-amz-request-id"]).toMatch(/^[0-9A-F]{16}$/);
    expect(reply.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ListAllMyBucketsResult xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/">/,
    );
    expect(names(reply.body)).toEqual([
      "oidc-bridge-sandbox-data",
      "oidc-bridge-sandbox-logs",
      "oidc-bridge-sandbox-reports",
    ]);
    expect(element(reply.body, "ID")).toMatch(/^[0-9a-f]{64}$/);
    expect(element(reply.body, "CreationDate")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // Without a list parameter S3 leaves each bucket's region out.
    expect(reply.body).not.toContain("<BucketRegion>");
  });

  test("temporary credentials from AssumeRoleWithWebIdentity list buckets; without their session token they are InvalidToken", async () => {
    const federated = await federatedCredentials();
    expect(federated.accessKeyId).toMatch(/^ASIA/);
    const ok = await s3Get("/", { credentials: federated });
    expect(ok.status).toBe(200);
    expect(names(ok.body)).toHaveLength(3);

    const { sessionToken: _dropped, ...withoutToken } = federated;
    const refused = await s3Get("/", { credentials: withoutToken });
    expect(refused.status).toBe(400);
    expect(element(refused.body, "Code")).toBe("InvalidToken");
    expect(element(refused.body, "Message")).toBe("The provided token is malformed or otherwise invalid.");
  });

  test("authentication failures carry S3's own codes in an <Error> document", async () => {
    const unsigned = await s3Get("/");
    expect([unsigned.status, element(unsigned.body, "Code")]).toEqual([403, "AccessDenied"]);

    const unknown = await s3Get("/", { credentials: { ...longTerm, accessKeyId: "AKIAAAAAAAAAAAAAAAAA" } });
    expect([unknown.status, element(unknown.body, "Code")]).toEqual([403, "InvalidAccessKeyId"]);
    expect(element(unknown.body, "AWSAccessKeyId")).toBe("AKIAAAAAAAAAAAAAAAAA");
    expect(element(unknown.body, "RequestId")).toBe(unknown.headers["x-amz-request-id"]);

    const wrong = await s3Get("/", { credentials: { ...longTerm, secretAccessKey: "x".repeat(40) } });
    expect([wrong.status, element(wrong.body, "Code")]).toEqual([403, "SignatureDoesNotMatch"]);
  });

  test("prefix, bucket-region, max-buckets and continuation-token select and page the list", async () => {
    const prefixed = await s3Get("/", { credentials: longTerm, query: { prefix: "oidc-bridge-sandbox-l" } });
    expect(names(prefixed.body)).toEqual(["oidc-bridge-sandbox-logs"]);
    expect(element(prefixed.body, "Prefix")).toBe("oidc-bridge-sandbox-l");
    expect(element(prefixed.body, "BucketRegion")).toBe("us-east-1");

    const regional = await s3Get("/", { credentials: longTerm, query: { "bucket-region": "eu-west-1" } });
    expect(names(regional.body)).toEqual(["oidc-bridge-sandbox-reports"]);

    const first = await s3Get("/", { credentials: longTerm, query: { "max-buckets": "2" } });
    expect(names(first.body)).toEqual(["oidc-bridge-sandbox-data", "oidc-bridge-sandbox-logs"]);
    const token = element(first.body, "ContinuationToken") as string;
    const second = await s3Get("/", {
      credentials: longTerm,
      query: { "max-buckets": "2", "continuation-token": token },
    });
    expect(names(second.body)).toEqual(["oidc-bridge-sandbox-reports"]);
    expect(second.body).not.toContain("<ContinuationToken>");

    const invalid = await s3Get("/", { credentials: longTerm, query: { "max-buckets": "0" } });
    expect([invalid.status, element(invalid.body, "Code")]).toEqual([400, "InvalidArgument"]);
    expect(element(invalid.body, "ArgumentName")).toBe("max-buckets");
  });
});

describe("S3 addressing", () => {
  test("a bucket is found in the path (path style) or in front of the host name (virtual-hosted style)", async () => {
    const pathStyle = await s3Get("/oidc-bridge-sandbox-data", { credentials: longTerm, query: { location: "" } });
    expect(pathStyle.status).toBe(200);
    expect(pathStyle.body).toContain(">eu-central-1</LocationConstraint>");
    const virtual = await s3Get("/", {
      credentials: longTerm,
      query: { location: "" },
      bucketHost: "oidc-bridge-sandbox-reports",
    });
    expect(virtual.body).toContain(">eu-west-1</LocationConstraint>");
    // us-east-1 is reported as an empty location.
    const east = await s3Get("/oidc-bridge-sandbox-logs", { credentials: longTerm, query: { location: "" } });
    expect(east.body).toMatch(/<LocationConstraint xmlns="[^"]+"><\/LocationConstraint>$/);
  });

  test("an unknown bucket is NoSuchBucket naming it; GET / on a bucket's host is not ListBuckets", async () => {
    const missing = await s3Get("/no-such-bucket", { credentials: longTerm, query: { location: "" } });
    expect([missing.status, element(missing.body, "Code")]).toEqual([404, "NoSuchBucket"]);
    expect(element(missing.body, "BucketName")).toBe("no-such-bucket");
    const listObjects = await s3Get("/", { credentials: longTerm, bucketHost: "oidc-bridge-sandbox-data" });
    expect([listObjects.status, element(listObjects.body, "Code")]).toEqual([501, "NotImplemented"]);
  });

  test("the journal names S3 operations on the s3 listener", async () => {
    const entries = await readJournal(sandbox.journalPath);
    expect(entries.some((e) => e.service === "s3" && e.operation === "ListBuckets" && e.status === 200)).toBe(true);
    expect(entries.some((e) => e.service === "s3" && e.operation === "GetBucketLocation")).toBe(true);
  });
});

describe("S3 permissions and faults", () => {
  test("the deny switch refuses ListBuckets under its IAM action, s3:ListAllMyBuckets", async () => {
    const deniedDir = await mkdtemp(join(tmpdir(), "aws-s3-deny-"));
    const denied = await startSandbox({
      dir: deniedDir,
      services: [createAwsService()],
      env: { [SANDBOX_ENV.deny]: "s3:ListAllMyBuckets" },
    });
    trustSandboxCa(denied.caPem);
    try {
      const reply = await s3Get("/", {
        credentials: await readAwsSandboxCredentials(deniedDir),
        endpoint: endpointOf(denied.endpoints, "s3"),
      });
      expect([reply.status, element(reply.body, "Code")]).toEqual([403, "AccessDenied"]);
      expect(element(reply.body, "Message")).toContain("is not authorized to perform: s3:ListAllMyBuckets");
    } finally {
      await denied.stop();
      await rm(deniedDir, { recursive: true, force: true });
    }
  });

  test("a sandbox folder from before S3 was emulated gets the seed buckets on its next start", async () => {
    const oldDir = await mkdtemp(join(tmpdir(), "aws-s3-upgrade-"));
    try {
      const first = await startSandbox({ dir: oldDir, services: [createAwsService()], env: {} });
      await first.stop();
      const path = join(oldDir, "aws.json");
      const { buckets: _gone, ...older } = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
      await writeFile(path, JSON.stringify(older), { mode: 0o600 });
      const second = await startSandbox({ dir: oldDir, services: [createAwsService()], env: {} });
      trustSandboxCa(second.caPem);
      try {
        const reply = await s3Get("/", {
          credentials: await readAwsSandboxCredentials(oldDir),
          endpoint: endpointOf(second.endpoints, "s3"),
        });
        expect(names(reply.body)).toHaveLength(3);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(oldDir, { recursive: true, force: true });
    }
  });

  test("an injected throttle is S3's 503 SlowDown, not a 429", () => {
    const reply = createAwsService().faultResponse("s3", 429, 1);
    expect(reply.status).toBe(503);
    expect(typeof reply.body === "string" ? reply.body : "").toContain("<Code>SlowDown</Code>");
  });
});

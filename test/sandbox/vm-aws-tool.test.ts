import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createHash } from "node:crypto";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { SandboxRequest } from "../../src/sandbox/harness/types.js";
import { loadOrCreateCa } from "../../src/sandbox/harness/ca.js";
import { verifySigV4 } from "../../src/sandbox/aws/sigv4-verify.js";
import { vmAwsMode } from "../../src/sandbox/vm/index.js";
import { runAwsStandIn, writeAwsConfig, writeAwsStandIn, type ToolRun } from "../helpers/aws-standin.js";
import { tempDir } from "../helpers/temp-dir.js";

/**
 * The VM's `aws` stand-in against a fake STS and S3 on 127.0.0.1: what it sends (form fields,
 * SigV4 that the sandbox's verifier accepts, the session token), what it prints, and its exit codes.
 */

// A JWT-shaped token with a trailing newline: the CLI sends the file as it is.
const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2bSJ9.c2lnbmF0dXJl-_x\n";
const KEY = { accessKeyId: "ASIAEXAMPLESESSION01", secretAccessKey: "s3cr3t/Key+with=chars" };
const SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLE/session+token==";
const ROLE = "arn:aws:iam::123456789012:role/vm-role";
const OTHER_ROLE = "arn:aws:iam::123456789012:role/other-role";

interface Fake {
  url: string;
  requests: SandboxRequest[];
  /** Answers for AssumeRoleWithWebIdentity, GetCallerIdentity, ListBuckets (default: success). */
  reply: Partial<Record<"assume" | "identity" | "buckets", { status: number; body: string }>>;
  close(): Promise<void>;
}

const stsError = (code: string, message: string, status = 400): { status: number; body: string } => ({
  status,
  body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r1</RequestId></ErrorResponse>`,
});

const ASSUMED = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>${KEY.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${KEY.secretAccessKey}</SecretAccessKey>
      <SessionToken>${SESSION_TOKEN}</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>`;
const IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::123456789012:assumed-role/vm-role/oidc-vm</Arn>
    <UserId>AROAEXAMPLEROLEID:oidc-vm</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
</GetCallerIdentityResponse>`;
const BUCKETS = `<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>abc</ID></Owner><Buckets><Bucket><Name>oidc-data</Name><CreationDate>2026-01-01T12:00:00.000Z</CreationDate></Bucket><Bucket><Name>a&amp;b-logs</Name><CreationDate>2026-02-03T04:05:06.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>`;

function toSandboxRequest(req: IncomingMessage, body: Buffer): SandboxRequest {
  const rawUrl = req.url ?? "/";
  const at = rawUrl.indexOf("?");
  return {
    listener: "fake",
    method: req.method ?? "GET",
    path: at < 0 ? rawUrl : rawUrl.slice(0, at),
    query: new URLSearchParams(at < 0 ? "" : rawUrl.slice(at + 1)),
    rawUrl,
    headers: req.headers,
    body,
  };
}

async function startFake(tls?: { key: string; cert: string }): Promise<Fake> {
  const requests: SandboxRequest[] = [];
  const reply: Fake["reply"] = {};
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const got = toSandboxRequest(req, Buffer.concat(chunks));
      requests.push(got);
      const action = new URLSearchParams(got.body.toString("utf8")).get("Action");
      const answer =
        action === "AssumeRoleWithWebIdentity"
          ? (reply.assume ?? { status: 200, body: ASSUMED })
          : action === "GetCallerIdentity"
            ? (reply.identity ?? { status: 200, body: IDENTITY })
            : got.method === "GET" && got.path === "/"
              ? (reply.buckets ?? { status: 200, body: BUCKETS })
              : { status: 404, body: "" };
      res.writeHead(answer.status, { "content-type": "text/xml" }).end(answer.body);
    });
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${address.port}`,
    requests,
    reply,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const form = (req: SandboxRequest | undefined): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(req?.body.toString("utf8") ?? ""));

/** The sandbox's own server-side check of a request the stand-in signed with the session's key. */
async function verifies(req: SandboxRequest | undefined, service: string): Promise<unknown> {
  if (!req) throw new Error("no request");
  const secret = { secretAccessKey: KEY.secretAccessKey, sessionToken: SESSION_TOKEN };
  return verifySigV4(req, service, (id) => (id === KEY.accessKeyId ? secret : undefined), Date.now());
}

let tool: string;
let folder: { path: string; cleanup: () => Promise<void> };
let home: string;
let tokenFile: string;
let fake: Fake;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  folder = await tempDir("oidc-bridge-aws-tool-");
  tool = await writeAwsStandIn(folder.path);
});
afterAll(async () => {
  await folder.cleanup();
});

beforeEach(async () => {
  const h = await tempDir("oidc-bridge-aws-home-");
  home = h.path;
  await writeAwsConfig(home, "");
  await writeFile(join(home, ".aws", "token"), TOKEN, { mode: 0o600 });
  tokenFile = join(home, ".aws", "token");
  fake = await startFake();
  cleanups.push(h.cleanup, () => fake.close());
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The profile configure writes. */
const profile = (header: string, role = ROLE, session = "oidc-vm"): string =>
  `${header}\nregion = eu-central-1\nweb_identity_token_file = ${tokenFile}\nrole_arn = ${role}\nrole_session_name = ${session}\n`;

const run = (args: string[], env: Record<string, string> = {}): Promise<ToolRun> =>
  runAwsStandIn(tool, args, { HOME: home, AWS_ENDPOINT_URL: fake.url, AWS_MAX_ATTEMPTS: "1", ...env });

describe("aws stand-in: sts get-caller-identity with the profile configure wrote", () => {
  test("assumes the role unsigned with the token file's text, then signs GetCallerIdentity with the session", async () => {
    await writeAwsConfig(home, `# kept by configure\n[profile other]\nregion = us-west-2\n\n${profile("[default]")}`);
    const result = await run(["sts", "get-caller-identity", "--output", "json"]);
    expect(result).toEqual({
      code: 0,
      stderr: "",
      stdout:
        '{\n    "UserId": "AROAEXAMPLEROLEID:oidc-vm",\n    "Account": "123456789012",\n    "Arn": "arn:aws:sts::123456789012:assumed-role/vm-role/oidc-vm"\n}\n',
    });

    const [assume, identity] = fake.requests;
    expect(fake.requests).toHaveLength(2);
    expect(assume?.method).toBe("POST");
    expect(assume?.headers.authorization).toBeUndefined();
    expect(assume?.headers["content-type"]).toBe("application/x-www-form-urlencoded; charset=utf-8");
    expect(form(assume)).toEqual({
      Action: "AssumeRoleWithWebIdentity",
      Version: "2011-06-15",
      RoleArn: ROLE,
      RoleSessionName: "oidc-vm",
      WebIdentityToken: TOKEN,
    });
    // Encoded and ordered as botocore sends it (what aws-cli 1.45 sent to the same fake endpoint).
    expect(assume?.body.toString("utf8")).toBe(
      `Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleSessionName=oidc-vm&RoleArn=${encodeURIComponent(ROLE)}&WebIdentityToken=${encodeURIComponent(TOKEN)}`,
    );

    expect(form(identity)).toEqual({ Action: "GetCallerIdentity", Version: "2011-06-15" });
    expect(identity?.headers["x-amz-security-token"]).toBe(SESSION_TOKEN);
    expect(identity?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLESESSION01\/\d{8}\/eu-central-1\/sts\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(await verifies(identity, "sts")).toEqual({
      ok: true,
      accessKeyId: KEY.accessKeyId,
      region: "eu-central-1",
      service: "sts",
    });
    // The token goes only into the AssumeRoleWithWebIdentity body: never output, never another call.
    expect(result.stdout + result.stderr).not.toContain(TOKEN.trim());
    expect(identity?.body.toString("utf8")).not.toContain(TOKEN.trim());
  });

  test("a signature made with another secret does not verify (the check above can fail)", async () => {
    await writeAwsConfig(home, profile("[default]"));
    await run(["sts", "get-caller-identity"]);
    const identity = fake.requests[1];
    if (!identity) throw new Error("no GetCallerIdentity");
    const lookup = (): { secretAccessKey: string; sessionToken: string } => ({
      secretAccessKey: "another",
      sessionToken: SESSION_TOKEN,
    });
    expect(await verifySigV4(identity, "sts", lookup, Date.now())).toEqual({ ok: false, kind: "badSignature" });
  });

  test("--output text prints Account, Arn and UserId tab-separated, as the CLI's text format orders them", async () => {
    await writeAwsConfig(home, profile("[default]"));
    const result = await run(["sts", "get-caller-identity", "--output", "text"]);
    expect(result).toMatchObject({
      code: 0,
      stdout: "123456789012\tarn:aws:sts::123456789012:assumed-role/vm-role/oidc-vm\tAROAEXAMPLEROLEID:oidc-vm\n",
    });
  });

  test("picks the profile from --profile, then AWS_PROFILE, else [default]; --region beats the profile's", async () => {
    await writeAwsConfig(home, `${profile("[default]")}\n${profile("[profile other]", OTHER_ROLE, "other-session")}`);
    await run(["sts", "get-caller-identity"]);
    await run(["sts", "get-caller-identity"], { AWS_PROFILE: "other" });
    // The same role and session name again: the CLI's cache answers, STS is not asked.
    await run(["--profile", "other", "sts", "get-caller-identity", "--region", "us-west-2"]);
    const assumed = fake.requests.filter((r) => form(r).Action === "AssumeRoleWithWebIdentity").map((r) => form(r));
    expect(assumed.map((f) => [f.RoleArn, f.RoleSessionName])).toEqual([
      [ROLE, "oidc-vm"],
      [OTHER_ROLE, "other-session"],
    ]);
    expect(fake.requests).toHaveLength(5);
    expect(fake.requests.at(-1)?.headers.authorization).toContain("/us-west-2/sts/aws4_request");

    const missing = await run(["sts", "get-caller-identity", "--profile", "nope"]);
    expect(missing).toEqual({ code: 255, stdout: "", stderr: "\nThe config profile (nope) could not be found\n" });
  });

  test("keys in the environment come first, as in the CLI's chain; --profile (not AWS_PROFILE) skips them", async () => {
    await writeAwsConfig(home, `${profile("[default]")}\n${profile("[profile other]", OTHER_ROLE)}`);
    const keys = {
      AWS_ACCESS_KEY_ID: KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
      AWS_SESSION_TOKEN: SESSION_TOKEN,
    };
    expect((await run(["sts", "get-caller-identity"], { ...keys, AWS_PROFILE: "other" })).code).toBe(0);
    expect(fake.requests.map((r) => form(r).Action)).toEqual(["GetCallerIdentity"]);
    expect(await verifies(fake.requests[0], "sts")).toMatchObject({ ok: true });

    expect((await run(["sts", "get-caller-identity", "--profile", "other"], keys)).code).toBe(0);
    expect(fake.requests.map((r) => form(r).Action)).toEqual([
      "GetCallerIdentity",
      "AssumeRoleWithWebIdentity",
      "GetCallerIdentity",
    ]);
    expect(form(fake.requests[1]).RoleArn).toBe(OTHER_ROLE);
  });

  test("AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL, for the credentials call too", async () => {
    await writeAwsConfig(home, profile("[default]"));
    // Nothing listens on port 9 of 127.0.0.1 (discard): the global setting must not be used.
    const result = await run(["sts", "get-caller-identity"], {
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      AWS_ENDPOINT_URL_STS: fake.url,
    });
    expect(result.code).toBe(0);
    expect(fake.requests).toHaveLength(2);

    const unreachable = await run(["sts", "get-caller-identity"], { AWS_ENDPOINT_URL_STS: "http://127.0.0.1:9" });
    expect(unreachable).toEqual({
      code: 255,
      stdout: "",
      stderr: '\nCould not connect to the endpoint URL: "http://127.0.0.1:9/"\n',
    });
  });
});

describe("aws stand-in: s3 ls", () => {
  test("lists buckets as 'aws s3 ls' prints them, ListBuckets signed for s3 with the session token", async () => {
    await writeAwsConfig(home, profile("[default]"));
    const result = await run(["s3", "ls"], {
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      AWS_ENDPOINT_URL_STS: fake.url,
      AWS_ENDPOINT_URL_S3: fake.url,
    });
    expect(result).toEqual({
      code: 0,
      stderr: "",
      stdout: "2026-01-01 12:00:00 oidc-data\n2026-02-03 04:05:06 a&b-logs\n",
    });
    const list = fake.requests[1];
    expect(list?.method).toBe("GET");
    expect(list?.rawUrl).toBe("/");
    expect(list?.headers["x-amz-security-token"]).toBe(SESSION_TOKEN);
    expect(await verifies(list, "s3")).toEqual({
      ok: true,
      accessKeyId: KEY.accessKeyId,
      region: "eu-central-1",
      service: "s3",
    });
  });

  test("prints the creation time in the VM's local time zone, as the CLI does", async () => {
    await writeAwsConfig(home, profile("[default]"));
    const result = await run(["s3", "ls"], { TZ: "Asia/Tokyo" });
    expect(result.stdout.split("\n")[0]).toBe("2026-01-01 21:00:00 oidc-data");
  });

  test("a denied ListBuckets is S3's AccessDenied with exit status 254", async () => {
    await writeAwsConfig(home, profile("[default]"));
    fake.reply.buckets = {
      status: 403,
      body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>R</RequestId></Error>',
    };
    expect(await run(["s3", "ls"])).toEqual({
      code: 254,
      stdout: "",
      stderr: "\nAn error occurred (AccessDenied) when calling the ListBuckets operation: Access Denied\n",
    });
  });
});

describe("aws stand-in: the CLI's credential cache", () => {
  const cacheFile = (): string =>
    join(
      home,
      ".aws",
      "cli",
      "cache",
      // botocore's key: sha1 of json.dumps({RoleArn, RoleSessionName}, sort_keys=True).
      `${createHash("sha1").update(`{"RoleArn": "${ROLE}", "RoleSessionName": "oidc-vm"}`).digest("hex")}.json`,
    );

  test("keeps the assumed role's credentials (0600) and uses them while 15 minutes are left", async () => {
    await writeAwsConfig(home, profile("[default]"));
    expect((await run(["sts", "get-caller-identity"])).code).toBe(0);
    expect((await stat(cacheFile())).mode & 0o777).toBe(0o600);
    const cached = JSON.parse(await readFile(cacheFile(), "utf8")) as { Credentials: Record<string, string> };
    expect(cached.Credentials).toMatchObject({ AccessKeyId: KEY.accessKeyId, SessionToken: SESSION_TOKEN });
    // The token itself is never kept.
    expect(JSON.stringify(cached)).not.toContain(TOKEN.trim());

    // Even a failing STS or a missing token file does not matter while the cache is fresh.
    fake.reply.assume = stsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
    await rm(tokenFile);
    expect((await run(["s3", "ls"])).code).toBe(0);
    expect(fake.requests.map((r) => form(r).Action ?? r.method)).toEqual([
      "AssumeRoleWithWebIdentity",
      "GetCallerIdentity",
      "GET",
    ]);
  });

  test("asks STS again when the cached credentials expire within 15 minutes", async () => {
    await writeAwsConfig(home, profile("[default]"));
    await run(["sts", "get-caller-identity"]);
    const cached = JSON.parse(await readFile(cacheFile(), "utf8")) as { Credentials: Record<string, string> };
    cached.Credentials.Expiration = new Date(Date.now() + 14 * 60_000).toISOString();
    await writeFile(cacheFile(), JSON.stringify(cached));
    fake.reply.assume = stsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
    expect((await run(["sts", "get-caller-identity"])).code).toBe(254);
  });
});

describe("aws stand-in: failures as the CLI v2 reports them", () => {
  test.each([
    ["AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403],
    ["InvalidIdentityToken", "Incorrect token audience", 400],
    [
      "ExpiredTokenException",
      "Token expired: current date/time 1700000000 must be before the expiration date/time 1600000000",
      400,
    ],
  ])("STS %s while getting credentials: exit 254 with the CLI's sentence", async (code, message, status) => {
    await writeAwsConfig(home, profile("[default]"));
    fake.reply.assume = stsError(code, message, status);
    for (const args of [
      ["sts", "get-caller-identity"],
      ["s3", "ls"],
    ]) {
      const result = await run(args);
      expect(result).toEqual({
        code: 254,
        stdout: "",
        stderr: `\nAn error occurred (${code}) when calling the AssumeRoleWithWebIdentity operation: ${message}\n`,
      });
      expect(result.stderr).not.toContain(TOKEN.trim());
    }
    expect(fake.requests.map((r) => form(r).Action)).toEqual([
      "AssumeRoleWithWebIdentity",
      "AssumeRoleWithWebIdentity",
    ]);
  });

  test("retries IDPCommunicationError as the CLI's standard mode does, then says it reached max retries", async () => {
    await writeAwsConfig(home, profile("[default]"));
    fake.reply.assume = stsError(
      "IDPCommunicationError",
      "Couldn't retrieve verification key from your identity provider",
    );
    const result = await run(["sts", "get-caller-identity"], { AWS_MAX_ATTEMPTS: "2" });
    expect(result.code).toBe(254);
    expect(result.stderr).toBe(
      "\nAn error occurred (IDPCommunicationError) when calling the AssumeRoleWithWebIdentity operation (reached max retries: 1): Couldn't retrieve verification key from your identity provider\n",
    );
    expect(fake.requests).toHaveLength(2);
  });

  test("without any credentials: the CLI's 'Unable to locate credentials', exit 253, no request", async () => {
    await writeAwsConfig(home, "[default]\nregion = eu-central-1\n");
    for (const args of [
      ["sts", "get-caller-identity"],
      ["s3", "ls"],
    ]) {
      expect(await run(args)).toEqual({
        code: 253,
        stdout: "",
        stderr: '\nUnable to locate credentials. You can configure credentials by running "aws configure".\n',
      });
    }
    expect(fake.requests).toEqual([]);
  });

  test("a missing token file is reported as the CLI does (exit 255), naming the file", async () => {
    await writeAwsConfig(home, profile("[default]").replace(tokenFile, join(home, "missing-token")));
    expect(await run(["sts", "get-caller-identity"])).toEqual({
      code: 255,
      stdout: "",
      stderr: `\n[Errno 2] No such file or directory: '${join(home, "missing-token")}'\n`,
    });
  });

  test("checks parameter lengths before calling STS, as botocore does (exit 252)", async () => {
    await writeAwsConfig(home, profile("[default]", ROLE, "x"));
    expect(await run(["sts", "get-caller-identity"])).toEqual({
      code: 252,
      stdout: "",
      stderr:
        "\nParameter validation failed:\nInvalid length for parameter RoleSessionName, value: 1, valid min length: 2\n",
    });
    expect(fake.requests).toEqual([]);
  });

  test("refuses, naming what it supports, every other command, option or output format (exit 252)", async () => {
    await writeAwsConfig(home, profile("[default]"));
    for (const args of [
      ["ec2", "describe-instances"],
      ["s3", "ls", "s3://oidc-data"],
      ["sts", "get-caller-identity", "--query", "Arn"],
      ["sts", "get-caller-identity", "--output", "table"],
      [],
    ]) {
      const result = await run(args);
      expect(result.code).toBe(252);
      expect(result.stderr).toContain("is not supported: it runs only 'aws sts get-caller-identity' and 'aws s3 ls'");
    }
    expect(fake.requests).toEqual([]);
  });
});

describe("aws stand-in: TLS", () => {
  test("trusts the CA in AWS_CA_BUNDLE, and only with it", async () => {
    const pki = await tempDir("oidc-bridge-aws-ca-");
    cleanups.push(pki.cleanup);
    const ca = await loadOrCreateCa(pki.path);
    const caFile = join(pki.path, "bundle.pem");
    await writeFile(caFile, ca.rootPem);
    const secure = await startFake(ca.chain("a"));
    cleanups.push(() => secure.close());
    await writeAwsConfig(home, profile("[default]"));

    const trusted = await run(["s3", "ls"], { AWS_ENDPOINT_URL: secure.url, AWS_CA_BUNDLE: caFile });
    expect(trusted).toMatchObject({ code: 0, stderr: "" });
    expect(trusted.stdout).toContain(" oidc-data\n");
    // Over HTTPS the payload is left out of an S3 signature, as the CLI does.
    expect(secure.requests[1]?.headers["x-amz-content-sha256"]).toBe("UNSIGNED-PAYLOAD");
    expect(await verifies(secure.requests[1], "s3")).toMatchObject({ ok: true });

    const untrusted = await run(["s3", "ls"], { AWS_ENDPOINT_URL: secure.url });
    expect(untrusted.code).toBe(255);
    expect(untrusted.stderr).toContain(`SSL validation failed for ${secure.url}/ [SSL: CERTIFICATE_VERIFY_FAILED]`);
  });
});

describe("sandbox VM: choosing the aws a VM runs", () => {
  test("OIDC_BRIDGE_SANDBOX_VM_AWS picks standin, host or auto (the default), and a typo fails loudly", () => {
    expect(vmAwsMode({})).toBe("auto");
    expect(vmAwsMode({ OIDC_BRIDGE_SANDBOX_VM_AWS: "standin" })).toBe("standin");
    expect(vmAwsMode({ OIDC_BRIDGE_SANDBOX_VM_AWS: "host" })).toBe("host");
    expect(() => vmAwsMode({ OIDC_BRIDGE_SANDBOX_VM_AWS: "stand-in" })).toThrow(
      'OIDC_BRIDGE_SANDBOX_VM_AWS is "stand-in": use "standin"',
    );
  });
});

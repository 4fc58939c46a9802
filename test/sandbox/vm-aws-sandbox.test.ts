import { mkdtemp, rm, writeFile } from "node:fs/promises";
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
import type { NodeSSH } from "node-ssh";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { createAwsService, readAwsSandboxCredentials } from "../../src/sandbox/aws/index.js";
import { endpointOf } from "../helpers/endpoint.js";
import { issuerService, webIdentityTrust } from "../helpers/sandbox-oidc-issuer.js";
import { trustSandboxCa } from "../helpers/trust-sandbox-ca.js";
import { startVm, type RunningVm } from "../helpers/vm-fixture.js";

/**
 * What `verify` will do on a VM, end to end: over SSH, the VM's aws (the stand-in) reads only the
 * profile and token file written there, and the sandbox's STS and S3 accept it.
 */

const AUDIENCE = "api://oidc-bridge";
const ROLE = "arn:aws:iam::123456789012:role/vm-reader";

let dir: string;
let sandbox: RunningSandbox;
let vm: RunningVm;
let ssh: NodeSSH;
let signToken: (sub: string) => Promise<string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vm-aws-sandbox-"));
  const pair = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  sandbox = await startSandbox({ dir, services: [createAwsService(), issuerService([jwk])], env: {} });
  trustSandboxCa(sandbox.caPem);
  const issuer = `${sandbox.endpoints.issuer}/tenant/`;
  signToken = (sub) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sub })
      .setProtectedHeader({ alg: "RS256", kid: "k1", typ: "JWT" })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt(now - 60)
      .setExpirationTime(now + 3600)
      .sign(pair.privateKey);
  };

  const iam = new IAMClient({
    region: "eu-central-1",
    endpoint: endpointOf(sandbox.endpoints, "iam"),
    credentials: await readAwsSandboxCredentials(dir),
  });
  const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: [AUDIENCE] }));
  await iam.send(
    new CreateRoleCommand({
      RoleName: "vm-reader",
      AssumeRolePolicyDocument: webIdentityTrust(provider.OpenIDConnectProviderArn, issuer, AUDIENCE, "vm"),
    }),
  );
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: "vm-reader",
      PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    }),
  );
  iam.destroy();

  const caFile = join(dir, "vm-ca-bundle.pem");
  await writeFile(caFile, sandbox.caPem, { mode: 0o600 });
  vm = await startVm({
    awsCli: "standin",
    env: {
      AWS_ENDPOINT_URL_STS: endpointOf(sandbox.endpoints, "sts"),
      AWS_ENDPOINT_URL_S3: endpointOf(sandbox.endpoints, "s3"),
      AWS_CA_BUNDLE: caFile,
    },
  });
  ssh = await vm.ssh();
});

afterAll(async () => {
  await vm?.stop();
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Writes a file on the VM through stdin, 0600, as configure does (never on a command line). */
async function put(path: string, text: string): Promise<void> {
  const result = await ssh.execCommand(`umask 077 && mkdir -p "$(dirname ${path})" && cat > ${path}`, { stdin: text });
  expect(result.code).toBe(0);
}

const profile = (header: string, tokenFile: string, session: string): string =>
  `${header}\nregion = eu-central-1\nweb_identity_token_file = ${tokenFile}\nrole_arn = ${ROLE}\nrole_session_name = ${session}\n`;

describe("the VM's aws against the sandbox, reading only what configure wrote", () => {
  test("gets the assumed role from STS and lists the S3 buckets (the write-up's proof)", async () => {
    await put("~/.azure/vm-identity-token", await signToken("vm"));
    await put("~/.aws/config", profile("[default]", join(vm.host.homeDir, ".azure", "vm-identity-token"), "oidc-vm"));

    const identity = await ssh.execCommand("aws sts get-caller-identity --output json");
    expect(identity.code).toBe(0);
    expect(JSON.parse(identity.stdout)).toMatchObject({
      Account: "123456789012",
      Arn: "arn:aws:sts::123456789012:assumed-role/vm-reader/oidc-vm",
    });

    const buckets = await ssh.execCommand("aws s3 ls");
    expect(buckets.code).toBe(0);
    expect(buckets.stdout.split("\n").map((line) => line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, ""))).toEqual([
      "oidc-bridge-sandbox-data",
      "oidc-bridge-sandbox-logs",
      "oidc-bridge-sandbox-reports",
    ]);
  });

  test("a token for another subject is refused by STS with the CLI's AccessDenied sentence, exit 254", async () => {
    const tokenFile = join(vm.host.homeDir, ".azure", "other-token");
    await put(tokenFile, await signToken("someone-else"));
    await put("~/.aws/config", profile("[profile other]", tokenFile, "other-vm"));
    const result = await ssh.execCommand("aws sts get-caller-identity --profile other");
    expect(result).toMatchObject({
      code: 254,
      stdout: "",
      stderr:
        "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity",
    });
  });
});

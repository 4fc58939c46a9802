import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DetachRolePolicyCommand,
  IAMClient,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from "@aws-sdk/client-iam";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openSandbox, type SandboxHandle } from "../../src/sandbox/index.js";
import { readJournal } from "../../src/sandbox/harness/index.js";
import { readState } from "../../src/state/store.js";
import type { CheckResult } from "../../src/verify/check.js";
import { plannedActions, runCli, type CliRun } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { endpointOf } from "../helpers/endpoint.js";

/** `configure` and `verify` against the sandbox: the VM's token set-up, and AWS's verdict on it. */

let dir: Awaited<ReturnType<typeof tempDir>>;
let stateDir: string;
let home: string;
let roleArn: string;
let providerArn: string;
const cli = (...args: string[]) => runCli(["--sandbox", "--json", ...args], { cwd: dir.path });
const checksOf = (run: CliRun): CheckResult[] =>
  run.events.flatMap((e) => (e.type === "check" ? [e as unknown as CheckResult] : []));
const check = (run: CliRun, id: string) => checksOf(run).find((c) => c.id === id);
const tokenPath = () => join(home, ".azure/vm-identity-token");

/** Admin calls on the sandbox between CLI runs, as someone with the console would make them. */
async function asAdmin<T>(use: (clients: { iam: IAMClient; sandbox: SandboxHandle }) => Promise<T>): Promise<T> {
  const sandbox = await openSandbox(stateDir, process.env);
  try {
    const iam = new IAMClient({
      region: "eu-central-1",
      endpoint: endpointOf(sandbox.endpoints, "iam"),
      credentials: sandbox.aws,
    });
    return await use({ iam, sandbox });
  } finally {
    await sandbox.close();
  }
}

/** The token on the VM, its claims kept, re-signed: by the sandbox issuer's own key, or another. */
async function resign(claims: Record<string, unknown>, key: "issuer" | "stranger"): Promise<string> {
  const kid = decodeProtectedHeader(await readFile(tokenPath(), "utf8")).kid ?? "";
  if (key === "stranger") {
    const { privateKey } = await generateKeyPair("RS256");
    return new SignJWT(claims).setProtectedHeader({ alg: "RS256", typ: "JWT", kid }).sign(privateKey);
  }
  const azure = JSON.parse(await readFile(join(stateDir, "sandbox/azure.json"), "utf8")) as {
    signingKeys: Array<{ kid: string; privateJwk: Record<string, unknown> }>;
  };
  const jwk = azure.signingKeys.find((k) => k.kid === kid)?.privateJwk;
  if (!jwk) throw new Error(`the sandbox issuer has no key ${kid}`);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid, x5t: kid })
    .sign(await importJWK({ ...jwk, alg: "RS256" }, "RS256"));
}

beforeAll(async () => {
  dir = await tempDir();
  stateDir = join(dir.path, ".oidc-bridge");
  const up = await cli("up");
  expect(up.exitCode, JSON.stringify(up.events.at(-1))).toBe(0);
  const state = await readState(stateDir);
  const vm = state?.resources.find((r) => r.kind === "azure-virtual-machine");
  const vmId = (vm?.attributes as { vmId?: string } | undefined)?.vmId ?? "";
  home = join(stateDir, "sandbox/vms", vmId, "home/adminuser");
  roleArn = state?.resources.find((r) => r.kind === "iam-role")?.id ?? "";
  providerArn = state?.resources.find((r) => r.kind === "iam-oidc-provider")?.id ?? "";
}, 120_000);
afterAll(async () => dir.cleanup());

describe("configure --sandbox", () => {
  test("up leaves a 0600 token without a trailing newline, a refresh timer and the AWS profile on the VM", async () => {
    const token = await readFile(tokenPath(), "utf8");
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await stat(tokenPath())).mode & 0o777).toBe(0o600);
    const config = await readFile(join(home, ".aws/config"), "utf8");
    expect(config).toContain(`role_arn = ${roleArn}`);
    expect(config).toContain(`web_identity_token_file = ${tokenPath()}`);
    expect(await readFile(join(home, ".config/systemd/user/oidc-bridge-token.timer"), "utf8")).toContain(
      "OnUnitActiveSec=1h",
    );
  });

  test("a second run finds everything in place: unchanged, and no file on the VM changes", async () => {
    const files = [tokenPath(), join(home, ".aws/config"), join(home, ".local/bin/oidc-bridge-refresh-token")];
    const before = await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs));
    const run = await cli("configure");
    expect(run.exitCode).toBe(0);
    expect(plannedActions(run).map((a) => a.kind)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged"]);
    expect(await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs))).toEqual(before);
  });

  test("keeps another profile and a comment already in ~/.aws/config", async () => {
    await writeFile(join(home, ".aws/config"), "# the admin's own\n[profile other]\nregion = us-east-1\n");
    const run = await cli("configure");
    expect(run.exitCode).toBe(0);
    const config = await readFile(join(home, ".aws/config"), "utf8");
    expect(config.startsWith("# the admin's own\n[profile other]\nregion = us-east-1\n")).toBe(true);
    expect(config).toContain(`[default]\nregion = eu-central-1\n`);
  });

  test("--role-arn-from-ssm takes the role ARN from the SSM parameter, as the write-up's playbook", async () => {
    const run = await cli("configure", "--role-arn-from-ssm", "--dry-run");
    expect(run.exitCode).toBe(0);
    expect(plannedActions(run).every((a) => a.kind === "unchanged")).toBe(true);
  });
});

describe("verify --sandbox", () => {
  test("passes every check, and makes no write call", async () => {
    const journal = join(stateDir, "sandbox/journal.jsonl");
    const writesBefore = (await readJournal(journal)).filter((e) => e.write).length;
    const run = await cli("verify");
    expect(run.exitCode, JSON.stringify(checksOf(run).filter((c) => c.status !== "pass"))).toBe(0);
    expect(checksOf(run).map((c) => c.status)).not.toContain("fail");
    expect(check(run, "aws-identity")?.detail).toContain(`assumed-role/azure-vm/oidc-vm`);
    expect(check(run, "s3-list")?.detail).toMatch(/lists \d+ bucket/);
    expect((await readJournal(journal)).filter((e) => e.write).length).toBe(writesBefore);
  });

  // Each fault: the check that names it, the words of the sandbox's own refusal, and the fix.
  const faults: Array<{
    name: string;
    breakIt: () => Promise<void>;
    failing: Record<string, { detail?: RegExp; hint: RegExp }>;
    repair: string[];
  }> = [
    {
      name: "the trust policy's sub no longer names the identity",
      breakIt: () =>
        asAdmin(async ({ iam }) => {
          const url = providerArn.split(":oidc-provider/")[1] ?? "";
          await iam.send(
            new UpdateAssumeRolePolicyCommand({
              RoleName: "azure-vm",
              PolicyDocument: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                  {
                    Effect: "Allow",
                    Principal: { Federated: providerArn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                      StringEquals: {
                        [`${url}:sub`]: "00000000-0000-0000-0000-000000000000",
                        [`${url}:aud`]: "api://oidc-bridge",
                      },
                    },
                  },
                ],
              }),
            }),
          );
        }),
      failing: {
        "trust-policy": { hint: /oidc-bridge identity/ },
        "aws-identity": { detail: /AccessDenied.*AssumeRoleWithWebIdentity/, hint: /oidc-bridge identity/ },
      },
      repair: ["identity"],
    },
    {
      name: "the provider was deleted",
      breakIt: () =>
        asAdmin(({ iam }) =>
          iam
            .send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }))
            .then(() => undefined),
        ),
      failing: {
        provider: { hint: /oidc-bridge trust/ },
        "aws-identity": { detail: /InvalidIdentityToken.*No OpenIDConnect provider/, hint: /oidc-bridge trust/ },
      },
      repair: ["trust"],
    },
    {
      name: "the audience was removed from the provider",
      breakIt: () =>
        asAdmin(({ iam }) =>
          iam
            .send(
              new RemoveClientIDFromOpenIDConnectProviderCommand({
                OpenIDConnectProviderArn: providerArn,
                ClientID: "api://oidc-bridge",
              }),
            )
            .then(() => undefined),
        ),
      failing: {
        provider: { hint: /oidc-bridge trust/ },
        "aws-identity": { detail: /InvalidIdentityToken.*audience/, hint: /oidc-bridge trust/ },
      },
      repair: ["trust"],
    },
    {
      name: "the provider's thumbprint is wrong",
      breakIt: () =>
        asAdmin(({ iam }) =>
          iam
            .send(
              new UpdateOpenIDConnectProviderThumbprintCommand({
                OpenIDConnectProviderArn: providerArn,
                ThumbprintList: ["0".repeat(40)],
              }),
            )
            .then(() => undefined),
        ),
      failing: { "aws-identity": { detail: /InvalidIdentityToken.*thumbprint/, hint: /oidc-bridge trust/ } },
      repair: ["trust"],
    },
    {
      name: "the token file holds an expired token",
      breakIt: async () => {
        const claims = decodeJwt(await readFile(tokenPath(), "utf8"));
        const now = Math.floor(Date.now() / 1000);
        await writeFile(
          tokenPath(),
          await resign({ ...claims, iat: now - 90_000, nbf: now - 90_000, exp: now - 3600 }, "issuer"),
        );
      },
      failing: {
        "token-fresh": { hint: /oidc-bridge configure/ },
        "aws-identity": { detail: /ExpiredTokenException/, hint: /oidc-bridge configure/ },
      },
      repair: ["configure"],
    },
    {
      name: "the token is signed by a key not in the issuer's key set",
      breakIt: async () => {
        const claims = decodeJwt(await readFile(tokenPath(), "utf8"));
        await writeFile(tokenPath(), await resign(claims, "stranger"));
      },
      failing: { "aws-identity": { detail: /InvalidIdentityToken/, hint: /oidc-bridge-refresh-token|configure/ } },
      repair: ["ssh", "--", "~/.local/bin/oidc-bridge-refresh-token"],
    },
    {
      name: "the role's S3 policy was detached: STS passes, S3 refuses",
      breakIt: () =>
        asAdmin(({ iam }) =>
          iam
            .send(
              new DetachRolePolicyCommand({
                RoleName: "azure-vm",
                PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
              }),
            )
            .then(() => undefined),
        ),
      failing: { "s3-list": { detail: /ListBuckets: AccessDenied/, hint: /managedPolicies/ } },
      repair: ["identity"],
    },
  ];

  for (const fault of faults) {
    test(`fails with the matching fix when ${fault.name}, and passes once repaired`, async () => {
      await fault.breakIt();
      const run = await cli("verify");
      expect(run.exitCode).toBe(1);
      expect(run.events.at(-1)).toMatchObject({ type: "error", code: "VERIFY_FAILED" });
      for (const [id, wanted] of Object.entries(fault.failing)) {
        const found = check(run, id);
        expect(found?.status, `${id}: ${JSON.stringify(found)}`).toBe("fail");
        if (wanted.detail) expect(found?.detail).toMatch(wanted.detail);
        expect(found?.hint).toMatch(wanted.hint);
      }
      const repaired = await cli(...fault.repair);
      expect(repaired.exitCode, JSON.stringify(repaired.events.at(-1))).toBe(0);
      const again = await cli("verify");
      expect(again.exitCode, JSON.stringify(checksOf(again).filter((c) => c.status === "fail"))).toBe(0);
    }, 60_000);
  }

  test("the VM role's session may list buckets but not create roles, attach policies or overwrite the parameter", async () => {
    await asAdmin(async ({ sandbox }) => {
      const sts = new STSClient({ region: "eu-central-1", endpoint: endpointOf(sandbox.endpoints, "sts") });
      const session = await sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: roleArn,
          RoleSessionName: "probe",
          WebIdentityToken: await readFile(tokenPath(), "utf8"),
        }),
      );
      const c = session.Credentials;
      const credentials = {
        accessKeyId: c?.AccessKeyId ?? "",
        secretAccessKey: c?.SecretAccessKey ?? "",
        sessionToken: c?.SessionToken ?? "",
      };
      const iam = new IAMClient({
        region: "eu-central-1",
        endpoint: endpointOf(sandbox.endpoints, "iam"),
        credentials,
      });
      const ssm = new SSMClient({
        region: "eu-central-1",
        endpoint: endpointOf(sandbox.endpoints, "ssm"),
        credentials,
      });
      const denied = async (call: Promise<unknown>) =>
        expect(
          (await call.then(
            () => undefined,
            (e: unknown) => e,
          )) as { name?: string },
        ).toMatchObject({
          name: expect.stringMatching(/AccessDenied/) as unknown,
        });
      await denied(iam.send(new CreateRoleCommand({ RoleName: "escalate", AssumeRolePolicyDocument: "{}" })));
      await denied(
        iam.send(
          new AttachRolePolicyCommand({
            RoleName: "azure-vm",
            PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
          }),
        ),
      );
      await denied(
        ssm.send(
          new PutParameterCommand({ Name: "/azure/oidc/role-arn", Value: "x", Overwrite: true, Type: "String" }),
        ),
      );
    });
  });
});

describe("outputs --sandbox", () => {
  test("prints the role ARN, the VM's addresses and how to reach it; --format ansible an inventory", async () => {
    const run = await cli("outputs");
    expect(run.exitCode).toBe(0);
    const result = run.events.at(-1);
    expect(result).toMatchObject({
      type: "result",
      data: {
        roleArn,
        vm: {
          publicIp: expect.stringMatching(/^203\.0\.113\.\d+$/) as unknown,
          adminUsername: "adminuser",
          ssh: "oidc-bridge --sandbox ssh",
        },
      },
    });
    const inventory = await runCli(["--sandbox", "outputs", "--format", "ansible"], { cwd: dir.path });
    expect(inventory.stdout).toContain('ansible_ssh_user: "adminuser"');
    expect(inventory.stdout).toContain(`role_arn: "${roleArn}"`);
    expect(inventory.stdout).not.toContain("StrictHostKeyChecking=no");
  });
});

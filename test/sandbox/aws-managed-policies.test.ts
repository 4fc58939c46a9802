import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  InvalidInputException,
  ListAttachedRolePoliciesCommand,
  NoSuchEntityException,
} from "@aws-sdk/client-iam";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { createAwsService, readAwsSandboxCredentials } from "../../src/sandbox/aws/index.js";
import { findManagedPolicy, findManagedPolicyFile } from "../../src/sandbox/aws/managed-policies.js";
import { endpointOf } from "../helpers/endpoint.js";
import { rejection } from "../helpers/rejection.js";
import { trustSandboxCa } from "../helpers/trust-sandbox-ca.js";

interface SnapshotPolicy {
  path: string;
  defaultVersionId: string;
  document: unknown;
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const sample = JSON.parse(await readFile(join(root, "test/fixtures/aws-managed-policies-sample.json"), "utf8")) as {
  countsByPath: Record<string, number>;
  policies: Record<string, SnapshotPolicy>;
};
const arnOf = (name: string, path: string): string => `arn:aws:iam::aws:policy${path}${name}`;

let dir: string;
let sandbox: RunningSandbox;
let iam: IAMClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aws-managed-"));
  sandbox = await startSandbox({ dir, services: [createAwsService()], env: {} });
  trustSandboxCa(sandbox.caPem);
  const credentials = await readAwsSandboxCredentials(dir);
  iam = new IAMClient({
    region: "us-east-1",
    endpoint: endpointOf(sandbox.endpoints, "iam"),
    credentials,
    maxAttempts: 1,
  });
  await iam.send(
    new CreateRoleCommand({
      RoleName: "policy-holder",
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    }),
  );
});

afterAll(async () => {
  iam?.destroy();
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("the managed policy data", () => {
  test("is found from the source folder and from the bundle's folders, and package.json ships it", async () => {
    const shipped = join(root, "src/sandbox/aws/data/managed-policies.json.gz");
    expect(findManagedPolicyFile(join(root, "src/sandbox/aws"))).toBe(shipped);
    expect(findManagedPolicyFile(join(root, "dist"))).toBe(shipped);
    expect(findManagedPolicyFile(join(root, "dist/chunks"))).toBe(shipped);
    const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain(dirname("src/sandbox/aws/data/managed-policies.json.gz"));
  });
});

describe("AWS managed policies over IAM", () => {
  test("every one of the 1,493 snapshot policies is known at arn:aws:iam::aws:policy<path><name>", async () => {
    const shipped = JSON.parse(gunzipSync(await readFile(findManagedPolicyFile())).toString("utf8")) as {
      policies: Record<string, SnapshotPolicy>;
    };
    const entries = Object.entries(shipped.policies);
    const counts: Record<string, number> = {};
    for (const [, p] of entries) counts[p.path] = (counts[p.path] ?? 0) + 1;
    expect(counts).toEqual(sample.countsByPath);
    const missing: string[] = [];
    for (const [name, p] of entries) {
      const found = await findManagedPolicy(arnOf(name, p.path));
      if (found?.name !== name || found.path !== p.path || found.defaultVersionId !== p.defaultVersionId)
        missing.push(name);
    }
    expect(missing).toEqual([]);
  });

  test("GetPolicy answers a policy under each path with its path, version and an IAM-style id", async () => {
    for (const [name, p] of Object.entries(sample.policies)) {
      const out = await iam.send(new GetPolicyCommand({ PolicyArn: arnOf(name, p.path) }));
      expect(out.Policy).toMatchObject({ PolicyName: name, Path: p.path, DefaultVersionId: p.defaultVersionId });
      expect(out.Policy?.PolicyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
    }
  });

  test("a policy under each path attaches, lists under its path prefix and reads back its document", async () => {
    for (const [name, p] of Object.entries(sample.policies)) {
      const arn = arnOf(name, p.path);
      await iam.send(new AttachRolePolicyCommand({ RoleName: "policy-holder", PolicyArn: arn }));
      const listed = await iam.send(
        new ListAttachedRolePoliciesCommand({ RoleName: "policy-holder", PathPrefix: p.path }),
      );
      expect(listed.AttachedPolicies).toContainEqual({ PolicyName: name, PolicyArn: arn });
      const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: p.defaultVersionId }));
      expect(JSON.parse(decodeURIComponent(version.PolicyVersion?.Document ?? ""))).toEqual(p.document);
    }
    const onlyServiceRoles = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: "policy-holder", PathPrefix: "/service-role/" }),
    );
    expect(onlyServiceRoles.AttachedPolicies?.map((a) => a.PolicyName)).toEqual(["AWSLambdaRole"]);
  });

  test.each([
    ["a path-less ARN for a service-role policy", "arn:aws:iam::aws:policy/AWSLambdaRole"],
    ["'..' in the path", "arn:aws:iam::aws:policy/service-role/../AmazonS3ReadOnlyAccess"],
    ["'..' as the name", "arn:aws:iam::aws:policy/service-role/.."],
  ])("%s names no policy: NoSuchEntity", async (_case, arn) => {
    const err = await rejection(iam.send(new GetPolicyCommand({ PolicyArn: arn })));
    expect(err).toBeInstanceOf(NoSuchEntityException);
    expect(err.message).toBe(`Policy ${arn} was not found.`);
    const attach = await rejection(
      iam.send(new AttachRolePolicyCommand({ RoleName: "policy-holder", PolicyArn: arn })),
    );
    expect(attach.message).toBe(`Policy ${arn} does not exist or is not attachable.`);
  });

  test.each([
    ["no name after the path", "arn:aws:iam::aws:policy/service-role/"],
    ["an empty path segment", "arn:aws:iam::aws:policy//AdministratorAccess"],
    ["a character IAM names cannot hold", "arn:aws:iam::aws:policy/Admin*"],
    ["a role ARN", "arn:aws:iam::aws:role/AdministratorAccess"],
  ])("%s is not a valid ARN: InvalidInput", async (_case, arn) => {
    const err = await rejection(iam.send(new GetPolicyCommand({ PolicyArn: arn })));
    expect(err).toBeInstanceOf(InvalidInputException);
    expect(err.message).toBe(`ARN ${arn} is not valid.`);
  });
});

describe("the built CLI", () => {
  test("its sandbox finds the policy data from dist/ and serves a service-role policy", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "aws-managed-dist-"));
    const child = spawn(process.execPath, [join(root, "bin/oidc-bridge.cjs"), "--json", "sandbox", "start"], {
      cwd,
      env: { ...process.env },
    });
    try {
      const started = await new Promise<{ endpoints: Record<string, string>; caFile: string }>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const result = out
            .split("\n")
            .filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l) as { type: string; data?: { endpoints: Record<string, string>; caFile: string } })
            .find((e) => e.type === "result");
          if (result?.data) resolve(result.data);
        });
        child.once("exit", (code) => reject(new Error(`sandbox start exited ${code}: ${out}`)));
      });
      trustSandboxCa(await readFile(started.caFile, "utf8"));
      const credentials = await readAwsSandboxCredentials(dirname(started.caFile).replace(/\/ca$/, ""));
      const client = new IAMClient({
        region: "us-east-1",
        endpoint: endpointOf(started.endpoints, "iam"),
        credentials,
        maxAttempts: 1,
      });
      const out = await client.send(
        new GetPolicyCommand({ PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaRole" }),
      );
      client.destroy();
      expect(out.Policy?.Path).toBe("/service-role/");
    } finally {
      child.kill("SIGINT");
      if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

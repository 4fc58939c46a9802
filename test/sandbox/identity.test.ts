import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  IAMClient,
  AttachRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { SSMClient, GetParameterCommand } from "@aws-sdk/client-ssm";
import { plannedActions, runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { readJournal } from "../../src/sandbox/harness/index.js";
import { openSandbox } from "../../src/sandbox/open-sandbox.js";
import { readState } from "../../src/state/store.js";
import { endpointOf } from "../helpers/endpoint.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
let stateDir: string;
beforeEach(async () => {
  dir = await tempDir();
  stateDir = join(dir.path, ".oidc-bridge");
});
afterEach(async () => dir.cleanup());

const cli = (...args: string[]) => runCli(["--sandbox", "--json", ...args], { cwd: dir.path });

async function withAws<T>(run: (iam: IAMClient, ssm: SSMClient) => Promise<T>): Promise<T> {
  const sandbox = await openSandbox(stateDir, process.env);
  const iam = new IAMClient({
    region: "eu-central-1",
    endpoint: endpointOf(sandbox.endpoints, "iam"),
    credentials: sandbox.aws,
  });
  const ssm = new SSMClient({
    region: "eu-central-1",
    endpoint: endpointOf(sandbox.endpoints, "ssm"),
    credentials: sandbox.aws,
  });
  try {
    return await run(iam, ssm);
  } finally {
    iam.destroy();
    ssm.destroy();
    await sandbox.close();
  }
}

async function principalId(): Promise<string> {
  const state = await readState(stateDir);
  return String(state?.resources.find((r) => r.kind === "azure-user-assigned-identity")?.attributes.principalId);
}

async function up(): Promise<void> {
  const trust = await cli("trust");
  expect(trust.exitCode, JSON.stringify(trust.events.at(-1))).toBe(0);
  const identity = await cli("identity");
  expect(identity.exitCode, JSON.stringify(identity.events.at(-1))).toBe(0);
}

describe("oidc-bridge identity against the sandbox", () => {
  test("the role trusts exactly the identity's principal id and the audience; SSM holds the role ARN", async () => {
    await up();
    const principal = await principalId();
    expect(principal).toMatch(/^[0-9a-f-]{36}$/);
    const { role, parameter, attached } = await withAws(async (iam, ssm) => ({
      role: (await iam.send(new GetRoleCommand({ RoleName: "azure-vm" }))).Role,
      parameter: (await ssm.send(new GetParameterCommand({ Name: "/azure/oidc/role-arn" }))).Parameter,
      attached: (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "azure-vm" }))).AttachedPolicies,
    }));
    const policy = JSON.parse(decodeURIComponent(role?.AssumeRolePolicyDocument ?? "")) as {
      Statement: Array<{ Condition: Record<string, Record<string, string>>; Action: string }>;
    };
    expect(policy.Statement).toHaveLength(1);
    const conditions = policy.Statement[0]?.Condition ?? {};
    expect(Object.keys(conditions)).toEqual(["StringEquals"]);
    const keys = Object.keys(conditions.StringEquals ?? {});
    expect(keys).toHaveLength(2);
    expect(conditions.StringEquals?.[keys.find((k) => k.endsWith(":sub")) as string]).toBe(principal);
    expect(conditions.StringEquals?.[keys.find((k) => k.endsWith(":aud")) as string]).toBe("api://oidc-bridge");
    expect(policy.Statement[0]?.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(parameter?.Value).toBe(role?.Arn);
    expect(attached?.map((p) => p.PolicyArn)).toEqual(["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]);
  });

  test("a second run is unchanged, with zero write calls in the journal", async () => {
    await up();
    const journalPath = join(stateDir, "sandbox/journal.jsonl");
    const before = (await readJournal(journalPath)).length;
    const again = await cli("identity");
    expect(again.exitCode).toBe(0);
    expect(again.events.at(-1)).toMatchObject({
      type: "result",
      summary: expect.stringContaining("identity: unchanged") as unknown,
    });
    const after = (await readJournal(journalPath)).slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((e) => e.write)).toEqual([]);
  });

  test("changing the policy list attaches and detaches exactly the difference; a hand-attached policy survives", async () => {
    await up();
    await withAws((iam) =>
      iam.send(
        new AttachRolePolicyCommand({ RoleName: "azure-vm", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }),
      ),
    );
    await writeFile(join(dir.path, "cfg.json"), JSON.stringify({ aws: { managedPolicies: ["AmazonS3FullAccess"] } }));
    const run = await runCli(["--sandbox", "--json", "-c", "cfg.json", "identity"], { cwd: dir.path });
    expect(run.exitCode).toBe(0);
    const attached = await withAws(async (iam) =>
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "azure-vm" }))).AttachedPolicies?.map(
        (p) => p.PolicyArn,
      ).sort(),
    );
    expect(attached).toEqual(["arn:aws:iam::aws:policy/AmazonS3FullAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    const kinds = plannedActions(run).flatMap((a) =>
      a.resource.startsWith("policy attachment") ? [`${a.kind} ${a.resource}`] : [],
    );
    expect(kinds).toEqual([
      "create policy attachment arn:aws:iam::aws:policy/AmazonS3FullAccess",
      "delete policy attachment arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
      "skip policy attachment arn:aws:iam::aws:policy/ReadOnlyAccess",
    ]);
  });

  test("a trust policy edited by hand is reported as a difference and restored", async () => {
    await up();
    const principal = await principalId();
    await withAws(async (iam) => {
      const role = (await iam.send(new GetRoleCommand({ RoleName: "azure-vm" }))).Role;
      const edited = decodeURIComponent(role?.AssumeRolePolicyDocument ?? "").replace(
        principal,
        "00000000-0000-0000-0000-000000000bad",
      );
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "azure-vm", PolicyDocument: edited }));
    });
    const run = await cli("identity");
    expect(run.exitCode).toBe(0);
    const update = plannedActions(run).find((a) => a.kind === "update");
    expect(update).toMatchObject({
      reason: expect.stringContaining(`is "00000000-0000-0000-0000-000000000bad", should be "${principal}"`) as unknown,
    });
    const restored = await withAws(async (iam) =>
      decodeURIComponent(
        (await iam.send(new GetRoleCommand({ RoleName: "azure-vm" }))).Role?.AssumeRolePolicyDocument ?? "",
      ),
    );
    expect(restored).toContain(principal);
    expect(restored).not.toContain("000000000bad");
  });

  test("running before trust says to run trust, and leaves the state as it was", async () => {
    const run = await runCli(["--sandbox", "identity"], { cwd: dir.path });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("run `oidc-bridge trust` (or `oidc-bridge up`) first");
    expect(await readState(stateDir)).toBeUndefined();
  });

  test("a bad role name and a resource group with invalid characters are refused up front, state untouched", async () => {
    await up();
    const before = await readFile(join(stateDir, "state.json"), "utf8");
    await writeFile(
      join(dir.path, "bad.json"),
      JSON.stringify({ aws: { roleName: "azure vm" }, azure: { resourceGroup: "rg#1" } }),
    );
    const run = await runCli(["--sandbox", "-c", "bad.json", "identity"], { cwd: dir.path });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("aws.roleName");
    expect(run.stderr).toContain("azure.resourceGroup");
    expect(await readFile(join(stateDir, "state.json"), "utf8")).toBe(before);
  });

  test("a new max session duration in the config is applied to the existing role, and nothing else changes", async () => {
    await up();
    await writeFile(join(dir.path, "longer.json"), JSON.stringify({ aws: { maxSessionDuration: 7200 } }));
    const run = await runCli(["--sandbox", "--json", "-c", "longer.json", "identity"], { cwd: dir.path });
    expect(run.exitCode).toBe(0);
    expect(plannedActions(run).filter((a) => a.kind !== "unchanged")).toEqual([
      {
        kind: "update",
        resource: "IAM role azure-vm max session duration",
        reason: "is 3600 s, config says 7200 s",
        node: "iam-role",
        layer: "identity",
      },
    ]);
    const role = await withAws(async (iam) => (await iam.send(new GetRoleCommand({ RoleName: "azure-vm" }))).Role);
    expect(role?.MaxSessionDuration).toBe(7200);
  });
});

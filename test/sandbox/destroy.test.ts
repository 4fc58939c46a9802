import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
  UntagRoleCommand,
} from "@aws-sdk/client-iam";
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { plannedActions, runCli, type CliRun } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { endpointOf } from "../helpers/endpoint.js";
import { EMPTY_INVENTORY, sandboxInventory } from "../helpers/sandbox-inventory.js";
import { readJournal } from "../../src/sandbox/harness/index.js";
import { openSandbox } from "../../src/sandbox/open-sandbox.js";
import { SANDBOX_TENANT_ID } from "../../src/sandbox/constants.js";
import { readState } from "../../src/state/store.js";
import { main } from "../../src/main.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
let stateDir: string;
beforeEach(async () => {
  dir = await tempDir();
  stateDir = join(dir.path, ".oidc-bridge");
});
afterEach(async () => dir.cleanup());

const cli = (...args: string[]) => runCli(["--sandbox", "--json", ...args], { cwd: dir.path });
const journal = () => readJournal(join(stateDir, "sandbox/journal.jsonl"));
const writesSince = async (count: number) => (await journal()).slice(count).filter((e) => e.write);
const result = (run: CliRun) => run.events.findLast((e) => e.type === "result");
const THEIR_THUMBPRINTS = ["1".repeat(40), "2".repeat(40), "3".repeat(40), "4".repeat(40)];

/** Calls the sandbox's AWS APIs directly, as someone else would, with the sandbox stopped after. */
async function asSomeoneElse(run: (iam: IAMClient, ssm: SSMClient, issuer: string) => Promise<void>): Promise<void> {
  const sandbox = await openSandbox(stateDir, process.env);
  const options = { region: "eu-central-1", credentials: sandbox.aws };
  const iam = new IAMClient({ ...options, endpoint: endpointOf(sandbox.endpoints, "iam") });
  const ssm = new SSMClient({ ...options, endpoint: endpointOf(sandbox.endpoints, "ssm") });
  try {
    await run(iam, ssm, `${sandbox.endpoints["entra-sts"]}/${SANDBOX_TENANT_ID}/`);
  } finally {
    iam.destroy();
    ssm.destroy();
    await sandbox.close();
  }
}

describe("oidc-bridge destroy against the sandbox", () => {
  test("after up, destroy --yes leaves none of the tool's resources; a second one succeeds and changes nothing", async () => {
    expect((await cli("up")).exitCode).toBe(0);
    const before = (await journal()).length;
    const deployed = (await readState(stateDir))?.resources ?? [];
    const keyFiles = deployed.flatMap((r) => (r.kind === "azure-ssh-public-key" ? [r.attributes.keyPath] : []));
    expect(keyFiles).toHaveLength(1);
    await expect(access(keyFiles[0] as string)).resolves.toBeUndefined();

    const refused = await cli("destroy");
    expect(refused.exitCode).toBe(2);
    expect(refused.events.at(-1)).toMatchObject({ type: "error", code: "DESTROY_NEEDS_YES" });
    expect((refused.events.at(-1) as { hint?: string }).hint).toContain("add --yes");

    const dry = await cli("destroy", "--dry-run");
    expect(dry.exitCode).toBe(0);
    expect(plannedActions(dry).map((a) => a.kind)).toEqual(Array<string>(deployed.length).fill("delete"));
    expect(await writesSince(before)).toEqual([]);

    const done = await cli("--yes", "destroy");
    expect(done.exitCode, JSON.stringify(done.events.at(-1))).toBe(0);
    expect(await sandboxInventory(stateDir)).toEqual(EMPTY_INVENTORY);
    const state = await readState(stateDir);
    expect(state).toMatchObject({ resources: [], layers: {} });
    // The backup keeps the deployment as destroy found it.
    const backup = JSON.parse(await readFile(join(stateDir, "state.json.bak"), "utf8")) as { resources: unknown[] };
    expect(backup.resources).toHaveLength(deployed.length);
    // The private key went with the deployment.
    await expect(access(keyFiles[0] as string)).rejects.toMatchObject({ code: "ENOENT" });

    const count = (await journal()).length;
    const stateText = await readFile(join(stateDir, "state.json"), "utf8");
    const again = await cli("--yes", "destroy");
    expect(again.exitCode).toBe(0);
    expect(result(again)).toMatchObject({ data: { changed: false } });
    expect(await writesSince(count)).toEqual([]);
    expect(await readFile(join(stateDir, "state.json"), "utf8")).toBe(stateText);
  });

  test("on a terminal it asks first: anything but yes deletes nothing, yes goes ahead", async () => {
    expect((await cli("up")).exitCode).toBe(0);
    const questions: string[] = [];
    const onTerminal = (answer: string) =>
      main(["node", "oidc-bridge", "--sandbox", "destroy"], {
        cwd: dir.path,
        env: process.env,
        stdout: () => undefined,
        stderr: () => undefined,
        isTTY: true,
        ask: (question) => {
          questions.push(question);
          return Promise.resolve(answer);
        },
      });
    const count = (await journal()).length;
    expect(await onTerminal("no")).toBe(1);
    const recorded = (await readState(stateDir))?.resources.length ?? 0;
    expect(questions).toEqual([`Carry out the ${recorded} change(s) listed above? Type "yes" to confirm: `]);
    expect(await writesSince(count)).toEqual([]);
    expect(await onTerminal("yes")).toBe(0);
    expect(await sandboxInventory(stateDir)).toEqual(EMPTY_INVENTORY);
  });

  test("an adopted provider and SSM parameter get back exactly what they had; the rest is deleted", async () => {
    await asSomeoneElse(async (iam, ssm, issuer) => {
      await iam.send(
        new CreateOpenIDConnectProviderCommand({
          Url: issuer,
          ClientIDList: ["sts.amazonaws.com"],
          ThumbprintList: THEIR_THUMBPRINTS,
        }),
      );
      await ssm.send(new PutParameterCommand({ Name: "/azure/oidc/role-arn", Value: "their-value", Type: "String" }));
    });
    expect((await cli("up")).exitCode).toBe(0);
    const changed = await sandboxInventory(stateDir);
    const provider = () => Object.values(changed.providers)[0];
    // up added its client ID and two thumbprints, dropping the oldest of theirs (IAM keeps five).
    expect(provider()?.clientIds).toHaveLength(2);
    expect(provider()?.thumbprints).not.toContain(THEIR_THUMBPRINTS[0]);

    const done = await cli("--yes", "destroy");
    expect(done.exitCode, JSON.stringify(done.events.at(-1))).toBe(0);
    const after = await sandboxInventory(stateDir);
    expect(Object.values(after.providers).map((p) => [p.clientIds, [...p.thumbprints].sort()])).toEqual([
      [["sts.amazonaws.com"], THEIR_THUMBPRINTS],
    ]);
    expect(after.parameters).toEqual({ "/azure/oidc/role-arn": "their-value" });
    expect(after.roles).toEqual([]);
    expect(after.azure).toEqual([]);
    expect((result(done)?.data as { restored: string[] }).restored).toHaveLength(2);
  });

  test("the provider stays while another role names it, and the output names that role; --force deletes it", async () => {
    expect((await cli("up")).exitCode).toBe(0);
    const arn = (await readState(stateDir))?.resources.find((r) => r.kind === "iam-oidc-provider")?.id as string;
    await asSomeoneElse(async (iam) => {
      const trust = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Federated: arn }, Action: "sts:AssumeRoleWithWebIdentity" }],
      };
      await iam.send(
        new CreateRoleCommand({ RoleName: "ci-deployer", AssumeRolePolicyDocument: JSON.stringify(trust) }),
      );
    });

    const kept = await cli("--yes", "destroy");
    expect(kept.exitCode).toBe(0);
    const left = (result(kept)?.data as { left: Array<{ resource: string; reason: string }> }).left;
    expect(left).toHaveLength(1);
    expect(left[0]?.reason).toContain("ci-deployer");
    expect(Object.keys((await sandboxInventory(stateDir)).providers)).toEqual([arn]);
    // Ours, left on purpose: still recorded, so a later destroy can take it.
    expect((await readState(stateDir))?.resources.map((r) => r.kind)).toEqual(["iam-oidc-provider"]);

    const forced = await cli("--yes", "destroy", "--force");
    expect(forced.exitCode).toBe(0);
    expect(plannedActions(forced)[0]?.reason).toContain("ci-deployer");
    const after = await sandboxInventory(stateDir);
    expect(after.providers).toEqual({});
    expect(after.roles).toEqual(["ci-deployer"]);
    expect((await readState(stateDir))?.resources).toEqual([]);
  });
});

describe("oidc-bridge status --refresh against the sandbox", () => {
  test("shows a resource deleted behind our back and one whose tags were changed, with no write call", async () => {
    expect((await cli("up")).exitCode).toBe(0);
    await asSomeoneElse(async (iam, ssm) => {
      await ssm.send(new DeleteParameterCommand({ Name: "/azure/oidc/role-arn" }));
      await iam.send(new UntagRoleCommand({ RoleName: "azure-vm", TagKeys: ["oidc-bridge-deployment"] }));
    });
    const count = (await journal()).length;
    const stateText = await readFile(join(stateDir, "state.json"), "utf8");

    const run = await cli("status", "--refresh");
    expect(run.exitCode).toBe(0);
    const data = result(run)?.data as { missing: number; drifted: number; resources: Array<Record<string, unknown>> };
    expect({ missing: data.missing, drifted: data.drifted }).toEqual({ missing: 1, drifted: 1 });
    expect(data.resources.filter((r) => r.status !== "ok").map((r) => [r.kind, r.status])).toEqual(
      expect.arrayContaining([
        ["ssm-parameter", "missing"],
        ["iam-role", "drifted"],
      ]),
    );
    const reads = (await journal()).slice(count);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((e) => e.write)).toEqual([]);
    expect(await readFile(join(stateDir, "state.json"), "utf8")).toBe(stateText);
  });
});

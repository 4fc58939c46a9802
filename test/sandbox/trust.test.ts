import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { readFile } from "node:fs/promises";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import {
  IAMClient,
  CreateOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand,
} from "@aws-sdk/client-iam";
import { plannedActions, runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { readJournal } from "../../src/sandbox/harness/index.js";
import { openSandbox } from "../../src/sandbox/open-sandbox.js";
import { readState } from "../../src/state/store.js";
import { SANDBOX_TENANT_ID } from "../../src/sandbox/constants.js";
import { endpointOf } from "../helpers/endpoint.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
let stateDir: string;
beforeEach(async () => {
  dir = await tempDir();
  stateDir = join(dir.path, ".oidc-bridge");
});
afterEach(async () => dir.cleanup());

const trust = (...extra: string[]) => runCli(["--sandbox", "--json", "trust", ...extra], { cwd: dir.path });

async function withIam<T>(run: (iam: IAMClient, issuer: string) => Promise<T>): Promise<T> {
  const sandbox = await openSandbox(stateDir, process.env);
  const iam = new IAMClient({
    region: "eu-central-1",
    endpoint: endpointOf(sandbox.endpoints, "iam"),
    credentials: sandbox.aws,
  });
  try {
    return await run(iam, `${sandbox.endpoints["entra-sts"]}/${SANDBOX_TENANT_ID}/`);
  } finally {
    iam.destroy();
    await sandbox.close();
  }
}

async function sha1OfPem(path: string): Promise<string> {
  return new X509Certificate(await readFile(path)).fingerprint.replace(/:/g, "").toLowerCase();
}

describe("oidc-bridge trust against the sandbox", () => {
  test("creates the provider for the issuer, with our audience and the top certificates' SHA-1 of both hosts", async () => {
    const run = await trust();
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    const provider = await withIam(async (iam, issuer) => {
      const list = await iam.send(new ListOpenIDConnectProvidersCommand({}));
      expect(list.OpenIDConnectProviderList).toHaveLength(1);
      const arn = list.OpenIDConnectProviderList?.[0]?.Arn as string;
      expect(arn).toBe(`arn:aws:iam::123456789012:oidc-provider/${issuer.replace("https://", "")}`);
      return iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    });
    expect(provider.Url).toBe(`127.0.0.1:${provider.Url?.split(":")[1]?.split("/")[0]}/${SANDBOX_TENANT_ID}/`);
    expect(provider.ClientIDList).toEqual(["api://oidc-bridge"]);
    // The issuer host presents chain "a", the key host chain "b": their intermediates are the tops.
    const expected = [
      await sha1OfPem(join(stateDir, "sandbox/ca/intermediate-b.pem")),
      await sha1OfPem(join(stateDir, "sandbox/ca/intermediate-a.pem")),
    ];
    expect(provider.ThumbprintList).toEqual(expected);
    expect(Object.fromEntries((provider.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
      "managed-by": "oidc-bridge",
    });
    const state = await readState(stateDir);
    expect(state?.resources.map((r) => [r.kind, r.createdByUs])).toEqual([["iam-oidc-provider", true]]);
  });

  test("a second run says unchanged and makes no write call", async () => {
    expect((await trust()).exitCode).toBe(0);
    const journalPath = join(stateDir, "sandbox/journal.jsonl");
    const before = (await readJournal(journalPath)).length;
    const stateBefore = await readFile(join(stateDir, "state.json"), "utf8");
    const second = await trust();
    expect(second.exitCode).toBe(0);
    expect(second.events.at(-1)).toMatchObject({
      type: "result",
      summary: expect.stringContaining("trust: unchanged") as unknown,
    });
    const entries = (await readJournal(journalPath)).slice(before);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter((e) => e.write)).toEqual([]);
    expect(await readFile(join(stateDir, "state.json"), "utf8")).toBe(stateBefore);
  });

  test("adds our client ID to a provider someone else made, keeps theirs, and adopts it", async () => {
    await withIam(async (iam, issuer) => {
      await iam.send(
        new CreateOpenIDConnectProviderCommand({
          Url: issuer,
          ClientIDList: ["api://their-app"],
          ThumbprintList: ["0".repeat(40)],
        }),
      );
    });
    const run = await trust();
    expect(run.exitCode).toBe(0);
    const provider = await withIam(async (iam) => {
      const arn = (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList?.[0]
        ?.Arn as string;
      return iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    });
    expect(provider.ClientIDList).toEqual(["api://their-app", "api://oidc-bridge"]);
    expect(provider.ThumbprintList?.[0]).toBe("0".repeat(40));
    expect(provider.ThumbprintList).toHaveLength(3);
    const state = await readState(stateDir);
    expect(state?.resources[0]?.createdByUs).toBe(false);
    expect(plannedActions(run).map((a) => a.kind)).toEqual(["adopt", "update", "update"]);
  });

  test("--dry-run prints the plan as one JSON document and changes nothing", async () => {
    const run = await trust("--dry-run");
    expect(run.exitCode).toBe(0);
    const plan = run.events.find((e) => e.type === "plan");
    expect(plan).toMatchObject({ type: "plan", plan: { layer: "trust", actions: [{ kind: "create" }] } });
    const journal = await readJournal(join(stateDir, "sandbox/journal.jsonl"));
    expect(journal.filter((e) => e.write)).toEqual([]);
    expect(await readState(stateDir)).toBeUndefined();
  });

  test("AWS access denied is a clear error (exit 1) and the state stays empty", async () => {
    const run = await runCli(["--sandbox", "trust"], {
      cwd: dir.path,
      env: { OIDC_BRIDGE_SANDBOX_DENY: "iam:CreateOpenIDConnectProvider" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/IAM CreateOpenIDConnectProvider .* failed: AccessDenied/);
    expect(run.stderr).toContain("fix:");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect((await readState(stateDir))?.resources ?? []).toEqual([]);
  });
});

describe("signing in under --sandbox", () => {
  test("the tenant comes from the signed-in credential's token, through the Entra token endpoint", async () => {
    const run = await trust();
    expect(run.exitCode).toBe(0);
    expect(
      run.events.some(
        (e) =>
          e.type === "step" && e.title === "find the tenant of the signed-in Azure credential" && e.status === "ok",
      ),
    ).toBe(true);
    const journal = await readJournal(join(stateDir, "sandbox/journal.jsonl"));
    expect(journal.filter((e) => e.service === "entra" && e.operation === "Token" && e.status === 200)).toHaveLength(1);
    expect(run.events.at(-1)).toMatchObject({ data: { tenantId: SANDBOX_TENANT_ID } });
  });
});

import { describe, expect, test } from "vitest";
import type { CloudPorts } from "../../src/cloud/ports.js";
import type { ApplyContext } from "../../src/engine/node.js";
import type { StateStore } from "../../src/state/store.js";
import type { RecordKind, RecordOf, ResourceRecord } from "../../src/state/schema.js";
import { destroyerOf } from "../../src/destroy/registry.js";
import { destroyNodes } from "../../src/destroy/destroy-graph.js";
import type { DestroyStep } from "../../src/destroy/destroyer.js";
import { memoryState } from "../helpers/plan-graph.js";

const DEPLOYMENT = "ob-test01";
const OURS = { "managed-by": "oidc-bridge", "oidc-bridge-deployment": DEPLOYMENT };
const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/sts.windows.net/t/";
const ROLE = "arn:aws:iam::123456789012:role/azure-vm";
const GROUP = "/subscriptions/s/resourceGroups/rg";
const IDENTITY = `${GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id`;
const POLICY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

function record<K extends RecordKind>(
  kind: K,
  id: string,
  attributes: RecordOf<K>["attributes"],
  createdByUs = true,
): ResourceRecord {
  return {
    kind,
    layer: kind.startsWith("iam-oidc") ? "trust" : "identity",
    node: kind,
    id,
    createdByUs,
    status: "ready",
    recordedAt: "2026-01-01T00:00:00.000Z",
    attributes,
  } as ResourceRecord;
}

const providerRecord = (createdByUs: boolean, changes: Partial<RecordOf<"iam-oidc-provider">["attributes"]> = {}) =>
  record(
    "iam-oidc-provider",
    PROVIDER,
    {
      url: "https://sts.windows.net/t/",
      tenantId: "t",
      audience: "api://aws",
      partition: "aws",
      addedClientIds: [],
      addedThumbprints: [],
      removedThumbprints: [],
      ...changes,
    },
    createdByUs,
  );
const roleRecord = (createdByUs = true) => record("iam-role", ROLE, { name: "azure-vm" }, createdByUs);
const attachmentRecord = () =>
  record("iam-role-policy-attachment", `${ROLE}|${POLICY}`, { roleName: "azure-vm", policyArn: POLICY });
const parameterRecord = (createdByUs: boolean, previousValue?: string) =>
  record(
    "ssm-parameter",
    "/azure/oidc/role-arn",
    { name: "/azure/oidc/role-arn", ...(previousValue === undefined ? {} : { previousValue }) },
    createdByUs,
  );
const groupRecord = () => record("azure-resource-group", GROUP, { name: "rg", location: "westeurope" });
const identityRecord = () =>
  record("azure-user-assigned-identity", IDENTITY, { name: "id", resourceGroup: "rg", principalId: "p-1" });

function plan(target: ResourceRecord, observed: unknown, records: ResourceRecord[] = [target], force = false) {
  return destroyerOf(target.kind).plan(target, observed, { state: memoryState(DEPLOYMENT, records), force });
}
const brief = (steps: readonly DestroyStep[]) => steps.map((s) => `${s.kind} ${s.resource}: ${s.reason}`);

/** Runs a step's apply with ports that record every call, and a store that records forgets. */
async function run(step: DestroyStep | undefined): Promise<string[]> {
  const calls: string[] = [];
  const recorder = (service: string) =>
    new Proxy(
      {},
      {
        // Not a thenable: the port is resolved from a promise.
        get: (_t, method: string) =>
          method === "then"
            ? undefined
            : (...args: unknown[]) => {
                calls.push(`${service}.${method}(${args.map((a) => JSON.stringify(a)).join(", ")})`);
                return Promise.resolve(method === "listGroup" ? [] : undefined);
              },
      },
    );
  const ports = new Proxy({} as CloudPorts, { get: (_t, service: string) => () => Promise.resolve(recorder(service)) });
  const store = {
    deploymentId: DEPLOYMENT,
    records: () => [],
    find: () => undefined,
    forget: (kind: string, id: string) => {
      calls.push(`forget ${kind} ${id}`);
      return Promise.resolve();
    },
  } as unknown as StateStore;
  await step?.apply?.({ ports, store } as unknown as ApplyContext);
  return calls;
}

describe("destroy plans of the OIDC provider", () => {
  const ours = { arn: PROVIDER, url: "sts.windows.net/t/", clientIds: ["api://aws"], thumbprints: ["a"], tags: OURS };

  test("ours, trusted by no other role: deleted, then its record dropped", async () => {
    const steps = plan(providerRecord(true), { provider: ours, namedBy: [] });
    expect(brief(steps)).toEqual([
      `delete IAM OIDC provider sts.windows.net/t/: created by this deployment; no other role names it`,
    ]);
    expect(await run(steps[0])).toEqual([
      `oidcProviders.delete("${PROVIDER}")`,
      `forget iam-oidc-provider ${PROVIDER}`,
    ]);
  });

  test("ours but still named by other roles: left, naming them; --force deletes it and says who loses it", () => {
    const seen = { provider: ours, namedBy: ["ci-deployer", "backup"] };
    expect(brief(plan(providerRecord(true), seen))).toEqual([
      "skip IAM OIDC provider sts.windows.net/t/: still trusted by roles ci-deployer, backup: left (add --force to delete it anyway)",
    ]);
    const forced = plan(providerRecord(true), seen, undefined, true);
    expect(forced.map((s) => s.kind)).toEqual(["delete"]);
    expect(forced[0]?.reason).toContain("--force: roles ci-deployer, backup still name it");
  });

  test("ours by record but without our tags (replaced by someone): left alone", () => {
    expect(plan(providerRecord(true), { provider: { ...ours, tags: {} }, namedBy: [] }).map((s) => s.kind)).toEqual([
      "skip",
    ]);
  });

  test("adopted: exactly the client ID and thumbprints we added are taken back, the one we dropped put back", async () => {
    const theirs = {
      ...ours,
      clientIds: ["sts.amazonaws.com", "api://aws"],
      thumbprints: ["old2", "old3", "old4", "new1", "new2"],
      tags: { team: "x" },
    };
    const record = providerRecord(false, {
      addedClientIds: ["api://aws"],
      addedThumbprints: ["NEW1", "new2"],
      removedThumbprints: ["old1"],
    });
    const steps = plan(record, { provider: theirs, namedBy: [] });
    expect(steps.map((s) => s.kind)).toEqual(["update"]);
    expect(steps[0]?.reason).toContain("remove client ID api://aws; thumbprints back to old2, old3, old4, old1");
    expect(await run(steps[0])).toEqual([
      `oidcProviders.removeClientId("${PROVIDER}", "api://aws")`,
      `oidcProviders.updateThumbprints("${PROVIDER}", ["old2","old3","old4","old1"])`,
      `forget iam-oidc-provider ${PROVIDER}`,
    ]);
  });

  test("adopted with nothing of ours on it (or taken back already): left, untouched", () => {
    const record = providerRecord(false, { addedClientIds: ["api://aws"] });
    const steps = plan(record, { provider: { ...ours, clientIds: ["sts.amazonaws.com"], tags: {} }, namedBy: [] });
    expect(brief(steps)).toEqual([
      "skip IAM OIDC provider sts.windows.net/t/: adopted (existed before this deployment): left alone; nothing of ours on it",
    ]);
  });

  test("already gone: success, only the record is dropped", async () => {
    const steps = plan(providerRecord(true), undefined);
    expect(brief(steps)).toEqual(["delete IAM OIDC provider sts.windows.net/t/: already gone: the record is dropped"]);
    expect(await run(steps[0])).toEqual([`forget iam-oidc-provider ${PROVIDER}`]);
  });
});

describe("destroy plans of the role, its attachments and the SSM parameter", () => {
  const role = { name: "azure-vm", arn: ROLE, trustPolicy: {}, maxSessionDuration: 3600, tags: OURS };

  test("a policy someone else attached to our role is detached so the role can go; ours is left to its own step", async () => {
    const steps = plan(roleRecord(), { role, attached: [POLICY, "arn:aws:iam::1:policy/theirs"] }, [
      roleRecord(),
      attachmentRecord(),
    ]);
    expect(steps.map((s) => `${s.kind} ${s.resource}`)).toEqual([
      "delete policy attachment arn:aws:iam::1:policy/theirs",
      "delete IAM role azure-vm",
    ]);
    expect(await run(steps[1])).toEqual([`roles.delete("azure-vm")`, `forget iam-role ${ROLE}`]);
  });

  test("an adopted role is left alone", () => {
    expect(brief(plan(roleRecord(false), { role: { ...role, tags: {} }, attached: [POLICY] }))).toEqual([
      "skip IAM role azure-vm: adopted (existed before this deployment): left alone",
    ]);
  });

  test("our attachment is detached and forgotten", async () => {
    const steps = plan(attachmentRecord(), true);
    expect(await run(steps[0])).toEqual([
      `roles.detachPolicy("azure-vm", "${POLICY}")`,
      `forget iam-role-policy-attachment ${ROLE}|${POLICY}`,
    ]);
  });

  const parameter = (value: string, tags: Record<string, string> = {}) => ({
    name: "/azure/oidc/role-arn",
    value,
    type: "String",
    arn: "arn:aws:ssm:::parameter/azure/oidc/role-arn",
    tags,
  });

  test("an adopted parameter we overwrote gets its previous value back, and nothing else", async () => {
    const record = parameterRecord(false, "their-value");
    const steps = plan(record, parameter(ROLE), [record, roleRecord()]);
    expect(brief(steps)).toEqual([
      "update SSM parameter /azure/oidc/role-arn: adopted: put back the value it held before this deployment (their-value); the parameter stays",
    ]);
    expect(await run(steps[0])).toEqual([
      `ssm.restore("/azure/oidc/role-arn", "their-value")`,
      "forget ssm-parameter /azure/oidc/role-arn",
    ]);
  });

  test("an adopted parameter changed again since we wrote it is theirs: left as is", () => {
    const record = parameterRecord(false, "their-value");
    expect(plan(record, parameter("newer"), [record, roleRecord()]).map((s) => s.kind)).toEqual(["skip"]);
  });

  test("an adopted parameter whose value we never changed is left", () => {
    expect(plan(parameterRecord(false), parameter("x")).map((s) => s.kind)).toEqual(["skip"]);
  });

  test("our parameter is deleted", async () => {
    const steps = plan(parameterRecord(true), parameter(ROLE, OURS));
    expect(await run(steps[0])).toEqual([
      `ssm.delete("/azure/oidc/role-arn")`,
      "forget ssm-parameter /azure/oidc/role-arn",
    ]);
  });
});

describe("destroy plans of Azure resources", () => {
  const group = { group: { id: GROUP, name: "rg", location: "westeurope", tags: OURS } };
  const resource = (id: string, tags: Record<string, string>) => ({ id, type: "t", tags, properties: {} });

  test("our group holding only our resources is deleted (after them)", () => {
    const steps = plan(groupRecord(), { ...group, resources: [resource(IDENTITY, OURS)] }, [
      groupRecord(),
      identityRecord(),
    ]);
    expect(brief(steps)).toEqual(["delete resource group rg: created by this deployment, and holds nothing else"]);
  });

  test("our group holding something we did not create is left, naming it", () => {
    const foreign = `${GROUP}/providers/Microsoft.Storage/storageAccounts/theirs`;
    const steps = plan(groupRecord(), { ...group, resources: [resource(IDENTITY, OURS), resource(foreign, {})] }, [
      groupRecord(),
      identityRecord(),
    ]);
    expect(brief(steps)).toEqual([
      `skip resource group rg: holds resources this deployment did not create (${foreign}): left with them`,
    ]);
  });

  test("a resource recorded as ours but no longer tagged so keeps the group too", () => {
    const steps = plan(groupRecord(), { ...group, resources: [resource(IDENTITY, {})] }, [
      groupRecord(),
      identityRecord(),
    ]);
    expect(steps.map((s) => s.kind)).toEqual(["skip"]);
  });

  test("our identity is deleted by id at its provider's api-version", async () => {
    const steps = plan(identityRecord(), resource(IDENTITY, OURS));
    expect(await run(steps[0])).toEqual([
      `armResources.delete("${IDENTITY}", "2024-11-30")`,
      `forget azure-user-assigned-identity ${IDENTITY}`,
    ]);
  });
});

describe("destroy order", () => {
  test("each resource waits for everything that uses it: the reverse of up", () => {
    const records = [
      providerRecord(true),
      groupRecord(),
      identityRecord(),
      roleRecord(),
      attachmentRecord(),
      parameterRecord(true),
    ];
    const nodes = destroyNodes(records, false);
    const needs = Object.fromEntries(nodes.map((n) => [n.id, [...n.needs].sort()]));
    expect(needs).toEqual({
      "IAM OIDC provider sts.windows.net/t/": ["IAM role azure-vm"],
      "resource group rg": ["managed identity id"],
      "managed identity id": ["IAM role azure-vm"],
      "IAM role azure-vm": [`SSM parameter /azure/oidc/role-arn`, `policy attachment ${POLICY} on azure-vm`].sort(),
      [`policy attachment ${POLICY} on azure-vm`]: [],
      "SSM parameter /azure/oidc/role-arn": [],
    });
  });
});

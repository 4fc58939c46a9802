import { describe, expect, test } from "vitest";
import { resourceGroup } from "../../src/resources/resource-group.js";
import { managedIdentity } from "../../src/resources/managed-identity.js";
import { iamRole } from "../../src/resources/iam-role.js";
import { rolePolicies, resolvePolicyArns } from "../../src/resources/role-policies.js";
import { ssmParameter } from "../../src/resources/ssm-parameter.js";
import { buildTrustPolicy } from "../../src/oidc/trust-policy.js";
import { configSchema } from "../../src/config/schema.js";
import { KnownAfterApply } from "../../src/engine/known-after-apply.js";
import type { ResourceRecord } from "../../src/state/schema.js";
import { memoryState, planWith } from "../helpers/plan-graph.js";

const config = configSchema.parse({});
const provider = {
  providerArn: "arn:aws:iam::123456789012:oidc-provider/sts.windows.net/t/",
  providerUrl: "sts.windows.net/t/",
  issuer: "https://sts.windows.net/t/",
  tenantId: "t",
  partition: "aws",
};
const external = new Map<string, unknown>([["oidc-provider", provider]]);
const nodes = [resourceGroup, managedIdentity, iamRole, rolePolicies, ssmParameter];
const ours = { "managed-by": "oidc-bridge", "oidc-bridge-deployment": "ob-1" };
const s3 = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const group = (tags: Record<string, string> = ours) => ({
  id: "/subscriptions/s/resourceGroups/aws-oidc-rg",
  name: "aws-oidc-rg",
  location: "germanywestcentral",
  tags,
});
const identity = {
  id: "/subscriptions/s/resourcegroups/aws-oidc-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aws-oidc-identity",
  name: "aws-oidc-identity",
  location: "germanywestcentral",
  principalId: "p-1",
  clientId: "c-1",
  tenantId: "t",
  tags: ours,
};
const role = (subject: string) => ({
  name: "azure-vm",
  arn: "arn:aws:iam::123456789012:role/azure-vm",
  trustPolicy: buildTrustPolicy({ ...provider, subject, audience: config.oidc.audience }),
  maxSessionDuration: 3600,
  tags: ours,
});
const plan = (observed: Record<string, unknown>, records: ResourceRecord[] = []) =>
  planWith(nodes, observed, { external, state: memoryState("ob-1", records) });

describe("identity layer plan", () => {
  test("creates everything, in order, when nothing exists; unknown values are known after apply", async () => {
    const { actions, plan: p } = await plan({ "role-policies": { wanted: [s3], attached: [] } });
    expect(actions.map((a) => `${a.kind} ${a.resource}`)).toEqual([
      "create resource group aws-oidc-rg",
      "create managed identity aws-oidc-identity",
      "create IAM role azure-vm",
      `create policy attachment ${s3}`,
      "create SSM parameter /azure/oidc/role-arn",
    ]);
    expect(actions.find((a) => a.resource === "IAM role azure-vm")?.reason).toBe(
      `trusting only sub=(known after apply) and aud=${config.oidc.audience} via ${provider.providerArn}`,
    );
    const planned = p.nodes.find((n) => n.node.id === "managed-identity")?.outputs;
    expect(planned?.principalId).toBeInstanceOf(KnownAfterApply);
  });

  test("policy names take the caller's partition; ARNs are kept as given", () => {
    expect(resolvePolicyArns(["AmazonS3ReadOnlyAccess", "arn:aws:iam::123456789012:policy/mine"], "aws-cn")).toEqual([
      "arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess",
      "arn:aws:iam::123456789012:policy/mine",
    ]);
  });

  test("a recreated identity forces the role's trust policy to follow its new principal id", async () => {
    const { actions } = await plan({
      "resource-group": group(),
      "iam-role": role("p-old"),
      "role-policies": { wanted: [s3], attached: [] },
    });
    expect(actions.find((a) => a.resource === "managed identity aws-oidc-identity")?.kind).toBe("create");
    const update = actions.find((a) => a.resource.endsWith("trust policy"));
    expect(update).toMatchObject({
      kind: "update",
      reason: expect.stringContaining("principal id (known after apply)") as unknown,
    });
  });

  test("a resource group that is not ours is adopted as someone else's; resources tagged ours are ours", async () => {
    const { actions } = await plan({
      "resource-group": group({ team: "platform" }),
      "managed-identity": identity,
      "iam-role": role("p-1"),
      "role-policies": { wanted: [s3], attached: [s3] },
      "ssm-parameter": {
        name: "/azure/oidc/role-arn",
        value: "arn:aws:iam::123456789012:role/azure-vm",
        type: "String",
        arn: "a",
        tags: ours,
      },
    });
    const adopted = actions.filter((a) => a.kind === "adopt");
    expect(adopted.map((a) => [a.node, a.reason.includes("its tags say so")])).toEqual([
      ["resource-group", false],
      ["managed-identity", true],
      ["iam-role", true],
      ["ssm-parameter", true],
    ]);
    expect(actions.filter((a) => a.kind === "create" || a.kind === "update" || a.kind === "delete")).toEqual([]);
  });

  test("never detaches a policy it did not attach", async () => {
    const { actions } = await plan({
      "managed-identity": identity,
      "iam-role": role("p-1"),
      "role-policies": { wanted: [s3], attached: ["arn:aws:iam::aws:policy/ReadOnlyAccess", s3] },
    });
    expect(actions.filter((a) => a.kind === "delete")).toEqual([]);
    expect(actions.find((a) => a.resource.endsWith("/ReadOnlyAccess"))).toMatchObject({
      kind: "skip",
      reason: "attached by someone else: left alone",
    });
  });

  test("an attachment whose intent was recorded before a crash is confirmed as ours, not left as someone else's", async () => {
    const intent: ResourceRecord = {
      kind: "iam-role-policy-attachment",
      layer: "identity",
      node: "role-policies",
      id: `${role("p-1").arn}|${s3}`,
      createdByUs: true,
      status: "intended",
      recordedAt: "2026-01-01T00:00:00.000Z",
      attributes: { roleName: "azure-vm", policyArn: s3 },
    };
    const { actions } = await plan(
      { "managed-identity": identity, "iam-role": role("p-1"), "role-policies": { wanted: [s3], attached: [s3] } },
      [intent],
    );
    expect(actions.find((a) => a.node === "role-policies")).toMatchObject({
      kind: "adopt",
      reason: expect.stringContaining("interrupted run") as unknown,
    });
  });
});

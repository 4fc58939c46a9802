import { describe, expect, test } from "vitest";
import {
  planIdentity,
  resolvePolicyArns,
  type IdentityDesired,
  type IdentityObservation,
} from "../../src/layers/identity.js";
import { buildTrustPolicy } from "../../src/oidc/trust-policy.js";
import { configSchema } from "../../src/config/schema.js";

const config = configSchema.parse({});
const trust = {
  providerArn: "arn:aws:iam::123456789012:oidc-provider/sts.windows.net/t/",
  providerUrl: "sts.windows.net/t/",
  partition: "aws",
};
const ours = { "managed-by": "oidc-bridge", "oidc-bridge-deployment": "ob-1" };
const desired = (recorded: IdentityDesired["recorded"] = []): IdentityDesired => ({
  config,
  tags: ours,
  deploymentId: "ob-1",
  policyArns: resolvePolicyArns(config.aws.managedPolicies, "aws"),
  recorded,
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
  trustPolicy: buildTrustPolicy({ ...trust, subject, audience: config.oidc.audience }),
  maxSessionDuration: 3600,
  tags: ours,
});

describe("identity plan", () => {
  test("creates everything, in order, when nothing exists", () => {
    const plan = planIdentity({ trust, attachedPolicies: [] }, desired());
    expect(plan.actions.map((a) => `${a.kind} ${a.resource}`)).toEqual([
      "create resource group aws-oidc-rg",
      "create managed identity aws-oidc-identity",
      "create IAM role azure-vm",
      "create policy attachment arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
      "create SSM parameter /azure/oidc/role-arn",
    ]);
  });

  test("policy names take the caller's partition; ARNs are kept as given", () => {
    expect(resolvePolicyArns(["AmazonS3ReadOnlyAccess", "arn:aws:iam::123456789012:policy/mine"], "aws-cn")).toEqual([
      "arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess",
      "arn:aws:iam::123456789012:policy/mine",
    ]);
  });

  test("a recreated identity forces the role's trust policy to follow its new principal id", () => {
    const observed: IdentityObservation = {
      trust,
      resourceGroup: {
        id: "/subscriptions/s/resourceGroups/aws-oidc-rg",
        name: "aws-oidc-rg",
        location: "germanywestcentral",
        tags: ours,
      },
      role: role("p-old"),
      attachedPolicies: [],
    };
    const plan = planIdentity(observed, desired());
    expect(plan.create.has("identity")).toBe(true);
    expect(plan.update.has("trustPolicy")).toBe(true);
    expect(plan.actions.find((a) => a.resource.endsWith("trust policy"))?.reason).toContain("principal id");
  });

  test("a resource group that is not ours is adopted and marked so; a role tagged ours is recorded as ours", () => {
    const observed: IdentityObservation = {
      trust,
      resourceGroup: {
        id: "/subscriptions/s/resourceGroups/aws-oidc-rg",
        name: "aws-oidc-rg",
        location: "germanywestcentral",
        tags: { team: "platform" },
      },
      identity,
      role: role("p-1"),
      attachedPolicies: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
      parameter: {
        name: "/azure/oidc/role-arn",
        value: "arn:aws:iam::123456789012:role/azure-vm",
        type: "String",
        arn: "a",
        tags: ours,
      },
    };
    const plan = planIdentity(observed, desired());
    expect(plan.adopt).toEqual([
      { kind: "azure-resource-group", id: observed.resourceGroup?.id, createdByUs: false },
      { kind: "azure-user-assigned-identity", id: identity.id, createdByUs: true },
      { kind: "iam-role", id: "arn:aws:iam::123456789012:role/azure-vm", createdByUs: true },
      { kind: "ssm-parameter", id: "/azure/oidc/role-arn", createdByUs: true },
    ]);
    expect(plan.create.size + plan.update.size + plan.attach.length + plan.detach.length).toBe(0);
  });

  test("never detaches a policy it did not attach", () => {
    const observed: IdentityObservation = {
      trust,
      identity,
      role: role("p-1"),
      attachedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
    };
    const plan = planIdentity(observed, desired());
    expect(plan.detach).toEqual([]);
    expect(plan.actions.find((a) => a.resource.includes("ReadOnlyAccess") && a.kind === "skip")?.reason).toBe(
      "attached by someone else: left alone",
    );
  });
});

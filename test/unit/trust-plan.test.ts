import { describe, expect, test } from "vitest";
import { planTrust, type TrustDesired, type TrustObservation } from "../../src/layers/trust.js";

const observed = (existing?: TrustObservation["existing"]): TrustObservation => ({
  tenantId: "5f0c7e1a-3b2d-4c8e-9a61-0d4b2e7f9c13",
  issuer: "https://sts.windows.net/5f0c7e1a-3b2d-4c8e-9a61-0d4b2e7f9c13/",
  providerUrl: "sts.windows.net/5f0c7e1a-3b2d-4c8e-9a61-0d4b2e7f9c13/",
  providerArn: "arn:aws:iam::123456789012:oidc-provider/sts.windows.net/5f0c7e1a-3b2d-4c8e-9a61-0d4b2e7f9c13/",
  partition: "aws",
  thumbprints: [
    { host: "login.windows.net", thumbprint: "a".repeat(40), subject: "CN=keys" },
    { host: "sts.windows.net", thumbprint: "b".repeat(40), subject: "CN=sts" },
  ],
  existing,
});
const desired: TrustDesired = {
  audience: "https://management.core.windows.net/",
  tags: { "managed-by": "oidc-bridge" },
  deploymentId: "ob-1",
};
const provider = (clientIds: string[], thumbprints: string[], tags: Record<string, string> = {}) => ({
  arn: observed().providerArn,
  url: observed().providerUrl,
  clientIds,
  thumbprints,
  tags,
});

describe("trust plan", () => {
  test("creates the provider with our audience and both hosts' thumbprints when none exists", () => {
    const plan = planTrust(observed(), desired);
    expect(plan.create).toBe(true);
    expect(plan.clientIds).toEqual([desired.audience]);
    expect(plan.thumbprints).toEqual(["a".repeat(40), "b".repeat(40)]);
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]?.kind).toBe("create");
  });

  test("is unchanged, with no write, when the recorded provider already has everything", () => {
    const plan = planTrust(observed(provider([desired.audience], ["a".repeat(40), "b".repeat(40)])), {
      ...desired,
      recorded: { createdByUs: true },
    });
    expect(plan.create || plan.addClientId || plan.updateThumbprints || plan.record).toBe(false);
    expect(plan.actions.map((a) => a.kind)).toEqual(["unchanged"]);
  });

  test("adds our audience to a provider someone else made, keeps their client IDs, and adopts it", () => {
    const plan = planTrust(observed(provider(["their-app"], ["a".repeat(40), "b".repeat(40)])), desired);
    expect(plan.addClientId).toBe(true);
    expect(plan.clientIds).toEqual(["their-app", desired.audience]);
    expect(plan.createdByUs).toBe(false);
    expect(plan.actions.map((a) => a.kind)).toEqual(["adopt", "update"]);
    expect(plan.actions[1]?.reason).toContain("keeping their-app");
  });

  test("a provider tagged with this deployment but missing from state is ours again", () => {
    const plan = planTrust(
      observed(
        provider([desired.audience], ["a".repeat(40), "b".repeat(40)], {
          "managed-by": "oidc-bridge",
          "oidc-bridge-deployment": "ob-1",
        }),
      ),
      desired,
    );
    expect(plan.createdByUs).toBe(true);
    expect(plan.record).toBe(true);
  });

  test("adds a rotated thumbprint and keeps the old ones while there is room", () => {
    const plan = planTrust(observed(provider([desired.audience], ["c".repeat(40), "b".repeat(40)])), {
      ...desired,
      recorded: { createdByUs: true },
    });
    expect(plan.updateThumbprints).toBe(true);
    expect(plan.thumbprints).toEqual(["c".repeat(40), "b".repeat(40), "a".repeat(40)]);
  });

  test("with five thumbprints already, drops the oldest stale one, never a current one", () => {
    const old = ["1", "2", "3", "4"].map((c) => c.repeat(40));
    const plan = planTrust(observed(provider([desired.audience], [...old, "b".repeat(40)])), {
      ...desired,
      recorded: { createdByUs: true },
    });
    expect(plan.thumbprints).toHaveLength(5);
    expect(plan.thumbprints).toEqual(["2".repeat(40), "3".repeat(40), "4".repeat(40), "b".repeat(40), "a".repeat(40)]);
    expect(plan.actions.find((a) => a.kind === "update")?.reason).toContain(`dropping the oldest, ${"1".repeat(40)}`);
  });
});

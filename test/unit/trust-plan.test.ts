import { describe, expect, test } from "vitest";
import { oidcProvider, type ProviderObserved } from "../../src/resources/oidc-provider.js";
import { memoryState, planWith } from "../helpers/plan-graph.js";
import type { ResourceRecord } from "../../src/state/schema.js";

const tenant = "5f0c7e1a-3b2d-4c8e-9a61-0d4b2e7f9c13";
const arn = `arn:aws:iam::123456789012:oidc-provider/sts.windows.net/${tenant}/`;
const audience = "https://management.core.windows.net/";
const observed = (existing?: ProviderObserved["existing"]): ProviderObserved => ({
  issuer: {
    tenantId: tenant,
    issuer: `https://sts.windows.net/${tenant}/`,
    providerUrl: `sts.windows.net/${tenant}/`,
    thumbprints: [
      { host: "login.windows.net", thumbprint: "a".repeat(40), subject: "CN=keys" },
      { host: "sts.windows.net", thumbprint: "b".repeat(40), subject: "CN=sts" },
    ],
  },
  account: "123456789012",
  partition: "aws",
  arn,
  existing,
});
const provider = (clientIds: string[], thumbprints: string[], tags: Record<string, string> = {}) => ({
  arn,
  url: `sts.windows.net/${tenant}/`,
  clientIds,
  thumbprints,
  tags,
});
const recorded = (status: "ready" | "intended" = "ready", createdByUs = true): ResourceRecord => ({
  kind: "iam-oidc-provider",
  layer: "trust",
  node: "oidc-provider",
  id: arn,
  createdByUs,
  status,
  recordedAt: "2026-01-01T00:00:00.000Z",
  attributes: {
    url: `https://sts.windows.net/${tenant}/`,
    tenantId: tenant,
    audience,
    partition: "aws",
    addedClientIds: [],
    addedThumbprints: [],
    removedThumbprints: [],
  },
});
const plan = (o: ProviderObserved, records: ResourceRecord[] = []) =>
  planWith([oidcProvider], { "oidc-provider": o }, { state: memoryState("ob-1", records) });

describe("OIDC provider plan", () => {
  test("creates the provider with our audience and both hosts' thumbprints when none exists", async () => {
    const { actions, plan: p } = await plan(observed());
    expect(actions.map((a) => a.kind)).toEqual(["create"]);
    expect(actions[0]?.reason).toContain(`client ID ${audience}`);
    expect(p.nodes[0]?.outputs).toMatchObject({ providerArn: arn, providerUrl: `sts.windows.net/${tenant}/` });
  });

  test("is unchanged, with nothing to apply, when the recorded provider already has everything", async () => {
    const { actions, plan: p } = await plan(observed(provider([audience], ["a".repeat(40), "b".repeat(40)])), [
      recorded(),
    ]);
    expect(actions.map((a) => a.kind)).toEqual(["unchanged"]);
    expect(p.nodes[0]?.steps.some((s) => s.apply)).toBe(false);
  });

  test("adds our audience to a provider someone else made, keeps their client IDs, and adopts it", async () => {
    const { actions } = await plan(observed(provider(["their-app"], ["a".repeat(40), "b".repeat(40)])));
    expect(actions.map((a) => a.kind)).toEqual(["adopt", "update"]);
    expect(actions[0]?.reason).toContain("not created by this deployment");
    expect(actions[1]?.reason).toContain("keeping their-app");
  });

  test("a provider tagged with this deployment but missing from state is ours again", async () => {
    const tags = { "managed-by": "oidc-bridge", "oidc-bridge-deployment": "ob-1" };
    const { actions } = await plan(observed(provider([audience], ["a".repeat(40), "b".repeat(40)], tags)));
    expect(actions.map((a) => a.kind)).toEqual(["adopt", "unchanged"]);
    expect(actions[0]?.reason).toContain("its tags say so");
  });

  test("a provider whose create intent was recorded is ours even without tags", async () => {
    const { actions } = await plan(observed(provider([audience], ["a".repeat(40), "b".repeat(40)])), [
      recorded("intended"),
    ]);
    expect(actions[0]).toMatchObject({
      kind: "adopt",
      reason: expect.stringContaining("intent was recorded") as unknown,
    });
  });

  test("adds a rotated thumbprint and keeps the old ones while there is room", async () => {
    const { actions } = await plan(observed(provider([audience], ["c".repeat(40), "b".repeat(40)])), [recorded()]);
    expect(actions.map((a) => a.kind)).toEqual(["update"]);
    expect(actions[0]?.reason).toBe(`add thumbprint ${"a".repeat(40)} (keeping the 2 already there)`);
  });

  test("with five thumbprints already, drops the oldest stale one, never a current one", async () => {
    const old = ["1", "2", "3", "4"].map((c) => c.repeat(40));
    const { actions } = await plan(observed(provider([audience], [...old, "b".repeat(40)])), [recorded()]);
    expect(actions.find((a) => a.kind === "update")?.reason).toContain(`dropping the oldest, ${"1".repeat(40)}`);
  });
});

import { describe, expect, test } from "vitest";
import { buildTrustPolicy, policyDifferences } from "../../src/oidc/trust-policy.js";

const input = {
  providerArn: "arn:aws:iam::123456789012:oidc-provider/sts.windows.net/t/",
  providerUrl: "sts.windows.net/t/",
  subject: "828b741f-e7af-4737-9490-770b12926479",
  audience: "https://management.core.windows.net/",
};

describe("trust policy", () => {
  test("allows only AssumeRoleWithWebIdentity, conditioned on both sub and aud", () => {
    const policy = buildTrustPolicy(input) as {
      Statement: Array<{ Action: string; Principal: unknown; Condition: unknown }>;
    };
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]?.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(policy.Statement[0]?.Principal).toEqual({ Federated: input.providerArn });
    expect(policy.Statement[0]?.Condition).toEqual({
      StringEquals: { "sts.windows.net/t/:sub": input.subject, "sts.windows.net/t/:aud": input.audience },
    });
  });

  test("treats reordered keys, one-element lists and a Sid as the same policy", () => {
    const reordered = {
      Statement: [
        {
          Sid: "x",
          Condition: {
            StringEquals: { "sts.windows.net/t/:aud": [input.audience], "sts.windows.net/t/:sub": input.subject },
          },
          Action: ["sts:AssumeRoleWithWebIdentity"],
          Principal: { Federated: [input.providerArn] },
          Effect: "Allow",
        },
      ],
      Version: "2012-10-17",
    };
    expect(policyDifferences(reordered, buildTrustPolicy(input))).toEqual([]);
  });

  test("names each difference by path: a changed sub and a missing aud", () => {
    const edited = buildTrustPolicy({ ...input, subject: "someone-else" }) as {
      Statement: Array<{ Condition: { StringEquals: Record<string, string> } }>;
    };
    delete edited.Statement[0]?.Condition.StringEquals["sts.windows.net/t/:aud"];
    const differences = policyDifferences(edited, buildTrustPolicy(input));
    expect(differences).toEqual([
      `Statement.Condition.StringEquals.sts.windows.net/t/:sub: is "someone-else", should be "${input.subject}"`,
      `Statement.Condition.StringEquals.sts.windows.net/t/:aud: is (absent), should be "${input.audience}"`,
    ]);
  });
});

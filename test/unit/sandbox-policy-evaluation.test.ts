import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { evaluateStatements, parseIdentityPolicy } from "../../src/sandbox/aws/identity-policy.js";
import { findManagedPolicyFile } from "../../src/sandbox/aws/managed-policies.js";
import { conditionHolds } from "../../src/sandbox/aws/policy-conditions.js";

/** The sandbox's IAM policy evaluation, on the cases the HTTP tests do not reach. */

const context = (entries: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(entries));

describe("condition operators", () => {
  test("ArnLike matches each ARN part on its own: a * does not cross the colons of region and account", () => {
    const ctx = context({ "aws:PrincipalArn": ["arn:aws:iam::123456789012:role/app/vm"] });
    expect(conditionHolds("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/app/*"], ctx)).toBe(true);
    expect(conditionHolds("ArnLike", "aws:PrincipalArn", ["arn:aws:iam:*"], ctx)).toBe(false);
    expect(conditionHolds("ArnNotLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/other"], ctx)).toBe(true);
  });

  test("a key the request lacks: positive operators fail, negated and IfExists hold, Null true holds", () => {
    const empty = context({});
    expect(conditionHolds("StringEquals", "aws:SourceVpc", ["vpc-1"], empty)).toBe(false);
    expect(conditionHolds("StringNotEquals", "aws:SourceVpc", ["vpc-1"], empty)).toBe(true);
    expect(conditionHolds("StringEqualsIfExists", "aws:SourceVpc", ["vpc-1"], empty)).toBe(true);
    expect(conditionHolds("Null", "aws:SourceVpc", ["true"], empty)).toBe(true);
    expect(conditionHolds("ForAllValues:StringEquals", "aws:TagKeys", ["a"], empty)).toBe(true);
    expect(conditionHolds("ForAnyValue:StringNotEquals", "aws:TagKeys", ["a"], empty)).toBe(false);
  });

  test("dates compare as instants, in ISO or epoch seconds", () => {
    const ctx = context({ "aws:CurrentTime": ["2026-06-01T00:00:00Z"] });
    expect(conditionHolds("DateLessThan", "aws:CurrentTime", ["2026-07-01T00:00:00Z"], ctx)).toBe(true);
    expect(conditionHolds("DateGreaterThan", "aws:CurrentTime", ["1780272000"], ctx)).toBe(false);
  });
});

describe("identity policies", () => {
  test("actions match regardless of case, resources exactly", () => {
    const statements = parseIdentityPolicy({
      Statement: [{ Effect: "Allow", Action: "S3:listallmybuckets", Resource: "arn:aws:s3:::Data*" }],
    });
    const request = { action: "s3:ListAllMyBuckets", context: context({}) };
    expect(evaluateStatements(statements, { ...request, resource: "arn:aws:s3:::Data-1" })).toBe("allow");
    expect(evaluateStatements(statements, { ...request, resource: "arn:aws:s3:::data-1" })).toBe("implicitDeny");
  });

  test("every AWS managed policy document in the snapshot can be evaluated", () => {
    const file = JSON.parse(gunzipSync(readFileSync(findManagedPolicyFile())).toString("utf8")) as {
      policies: Record<string, { document: unknown }>;
    };
    const unreadable = Object.entries(file.policies).filter(([, p]) => {
      try {
        parseIdentityPolicy(p.document);
        return false;
      } catch {
        return true;
      }
    });
    expect(unreadable.map(([name]) => name)).toEqual([]);
    expect(Object.keys(file.policies).length).toBeGreaterThan(1400);
  });
});

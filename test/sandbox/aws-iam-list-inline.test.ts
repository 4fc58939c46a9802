import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { IAMClient } from "@aws-sdk/client-iam";
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  MalformedPolicyDocumentException,
  PutRolePolicyCommand,
  type Role,
} from "@aws-sdk/client-iam";
import { rejection } from "../helpers/rejection.js";
import { startFederation, type Federation } from "../helpers/aws-federation.js";

/** IAM ListRoles and a role's inline policies, through the real IAM client. */

let fed: Federation;
let iam: IAMClient;

beforeAll(async () => {
  fed = await startFederation();
  iam = fed.clients().iam;
  for (const [name, path] of [
    ["app-b", "/apps/"],
    ["App-a", "/apps/"],
    ["app-c", "/apps/"],
    ["ops", "/ops/"],
    ["root-level", "/"],
  ] as const) {
    await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        Path: path,
        AssumeRolePolicyDocument: fed.trustPolicy(),
        Tags: [{ Key: "team", Value: "x" }],
        PermissionsBoundary: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
      }),
    );
  }
});

afterAll(async () => {
  iam?.destroy();
  await fed?.stop();
});

describe("ListRoles", () => {
  test("pages with MaxItems and Marker through every role, each once, ordered by name", async () => {
    const seen: Role[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await iam.send(new ListRolesCommand({ MaxItems: 2, Marker: marker }));
      pages++;
      expect(page.Roles?.length).toBeLessThanOrEqual(2);
      seen.push(...(page.Roles ?? []));
      expect(page.IsTruncated).toBe(page.Marker !== undefined);
      marker = page.Marker;
    } while (marker !== undefined);
    expect(pages).toBe(3);
    expect(seen.map((r) => r.RoleName)).toEqual(["App-a", "app-b", "app-c", "ops", "root-level"]);
  });

  test("PathPrefix keeps the roles under that path", async () => {
    const out = await iam.send(new ListRolesCommand({ PathPrefix: "/apps/" }));
    expect(out.Roles?.map((r) => r.Arn)).toEqual([
      "arn:aws:iam::123456789012:role/apps/App-a",
      "arn:aws:iam::123456789012:role/apps/app-b",
      "arn:aws:iam::123456789012:role/apps/app-c",
    ]);
    expect(out.IsTruncated).toBe(false);
  });

  test("each trust policy comes URL-encoded, exactly as submitted; tags and boundary are left out", async () => {
    const out = await iam.send(new ListRolesCommand({ PathPrefix: "/ops/" }));
    const role = out.Roles?.[0];
    expect(role?.AssumeRolePolicyDocument).toBe(encodeURIComponent(fed.trustPolicy()));
    expect(role?.Tags).toBeUndefined();
    expect(role?.PermissionsBoundary).toBeUndefined();
    expect(role?.RoleId).toMatch(/^AROA/);
  });

  test("a PathPrefix without a leading slash is a ValidationError", async () => {
    const err = await rejection(iam.send(new ListRolesCommand({ PathPrefix: "apps" })));
    expect(err.name).toBe("ValidationError");
    expect(err.message).toContain("'pathPrefix'");
  });
});

describe("inline role policies", () => {
  const document = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" }],
  });

  test("are written, read back URL-encoded, listed and deleted; a role keeping one cannot be deleted", async () => {
    await iam.send(new PutRolePolicyCommand({ RoleName: "ops", PolicyName: "list", PolicyDocument: document }));
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: "ops", PolicyName: "list" }));
    expect(got.PolicyDocument).toBe(encodeURIComponent(document));
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: "ops" }))).PolicyNames).toEqual(["list"]);

    const conflict = await rejection(iam.send(new DeleteRoleCommand({ RoleName: "ops" })));
    expect([conflict.name, conflict.message]).toEqual([
      "DeleteConflictException",
      "Cannot delete entity, must delete policies first.",
    ]);

    await iam.send(new DeleteRolePolicyCommand({ RoleName: "ops", PolicyName: "list" }));
    const missing = await rejection(iam.send(new GetRolePolicyCommand({ RoleName: "ops", PolicyName: "list" })));
    expect([missing.name, missing.message]).toEqual([
      "NoSuchEntityException",
      "The role policy with name list cannot be found.",
    ]);
  });

  test("a document naming a principal or lacking resources is MalformedPolicyDocument", async () => {
    const withPrincipal = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }],
    });
    const principal = await rejection(
      iam.send(new PutRolePolicyCommand({ RoleName: "ops", PolicyName: "p", PolicyDocument: withPrincipal })),
    );
    expect(principal).toBeInstanceOf(MalformedPolicyDocumentException);
    expect(principal.message).toBe("Policy document should not specify a principal.");

    const noResource = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*" }] });
    const resource = await rejection(
      iam.send(new PutRolePolicyCommand({ RoleName: "ops", PolicyName: "p", PolicyDocument: noResource })),
    );
    expect(resource.message).toBe("Policy statement must contain resources.");
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  AddClientIDToOpenIDConnectProviderCommand,
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteConflictException,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  InvalidInputException,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProviderTagsCommand,
  ListOpenIDConnectProvidersCommand,
  ListRoleTagsCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  OpenIdIdpCommunicationErrorException,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  TagRoleCommand,
  UntagOpenIDConnectProviderCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
  UpdateRoleCommand,
} from "@aws-sdk/client-iam";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { createAwsService, readAwsSandboxCredentials } from "../../src/sandbox/aws/index.js";
import { rejection } from "../helpers/rejection.js";
import { endpointOf } from "../helpers/endpoint.js";
import { trustSandboxCa } from "../helpers/trust-sandbox-ca.js";

let dir: string;
let sandbox: RunningSandbox;
let iam: IAMClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aws-iam-"));
  sandbox = await startSandbox({ dir, services: [createAwsService()], env: {} });
  trustSandboxCa(sandbox.caPem);
  const credentials = await readAwsSandboxCredentials(dir);
  iam = new IAMClient({
    region: "us-east-1",
    endpoint: endpointOf(sandbox.endpoints, "iam"),
    credentials,
    maxAttempts: 1,
  });
});

afterAll(async () => {
  iam?.destroy();
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

const ISSUER = "https://sts.windows.net/5f0c7e1a-3b2d-4c8e-9a61-0d4b2e7f9c13/";
const PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/sts.windows.net/5f0c7e1a-3b2d-4c8e-9a61-0d4b2e7f9c13/";
const THUMB_A = "626d44e704d1ceabe3bf0d53397464ac8080142c";
const THUMB_B = "A053375BFE84E8B748782C7CEE15827A6AF5A405";

function trustPolicy(federated: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: federated },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { "sts.windows.net/5f0c7e1a-3b2d-4c8e-9a61-0d4b2e7f9c13/:aud": "api://oidc-bridge" },
        },
        ...extra,
      },
    ],
  });
}

describe("IAM OpenID Connect providers", () => {
  test("create returns the ARN built from the URL without scheme, trailing slash kept", async () => {
    const out = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: ISSUER,
        ClientIDList: ["api://oidc-bridge"],
        ThumbprintList: [THUMB_A, THUMB_B],
        Tags: [{ Key: "managed-by", Value: "oidc-bridge" }],
      }),
    );
    expect(out.OpenIDConnectProviderArn).toBe(PROVIDER_ARN);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("get returns the URL without scheme, client ids, lower-cased thumbprints, date and tags", async () => {
    const out = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN }));
    expect(out.Url).toBe("sts.windows.net/5f0c7e1a-3b2d-4c8e-9a61-0d4b2e7f9c13/");
    expect(out.ClientIDList).toEqual(["api://oidc-bridge"]);
    expect(out.ThumbprintList).toEqual([THUMB_A, THUMB_B.toLowerCase()]);
    expect(out.CreateDate).toBeInstanceOf(Date);
    expect(out.Tags).toEqual([{ Key: "managed-by", Value: "oidc-bridge" }]);
  });

  test("creating the same URL again fails with EntityAlreadyExists (409)", async () => {
    const err = await rejection(iam.send(new CreateOpenIDConnectProviderCommand({ Url: ISSUER, ClientIDList: ["x"] })));
    expect(err).toBeInstanceOf(EntityAlreadyExistsException);
    expect(err.$metadata?.httpStatusCode).toBe(409);
  });

  test("a 40-character thumbprint that is not hex is InvalidInput", async () => {
    const err = await rejection(
      iam.send(
        new CreateOpenIDConnectProviderCommand({ Url: "https://example.com/a", ThumbprintList: ["z".repeat(40)] }),
      ),
    );
    expect(err).toBeInstanceOf(InvalidInputException);
  });

  test("a thumbprint of the wrong length fails model validation (ValidationError)", async () => {
    const err = await rejection(
      iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://example.com/a", ThumbprintList: ["abc"] })),
    );
    expect(err.name).toBe("ValidationError");
    expect(err.message).toMatch(/1 validation error detected: .*thumbprintList/);
  });

  test.each([
    ["http scheme", "http://example.com/", "Invalid Open ID Connect Provider URL. The URL must begin with https://."],
    ["a port on a public host", "https://example.com:8443/", "Invalid Open ID Connect Provider URL."],
    ["a query string", "https://example.com/?a=b", "Invalid Open ID Connect Provider URL."],
    ["a fragment", "https://example.com/#x", "Invalid Open ID Connect Provider URL."],
    ["user info", "https://user@example.com/", "Invalid Open ID Connect Provider URL."],
  ])("a URL with %s is InvalidInput (400) in IAM's words", async (_what, url, message) => {
    const err = await rejection(iam.send(new CreateOpenIDConnectProviderCommand({ Url: url })));
    expect(err).toBeInstanceOf(InvalidInputException);
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toBe(message);
  });

  test.each([
    ["no scheme", "example.com"],
    ["no host", "https://"],
  ])("a Url with %s is not a URL at all: ValidationError", async (_what, url) => {
    const err = await rejection(iam.send(new CreateOpenIDConnectProviderCommand({ Url: url })));
    expect(err.name).toBe("ValidationError");
    expect(err.message).toBe("Invalid Open ID Connect Provider URL");
  });

  test("six thumbprints are InvalidInput (400) 'fewer than 5 entries', on create and on update; five are accepted", async () => {
    const six = ["1", "2", "3", "4", "5", "6"].map((d) => d.repeat(40));
    const err = await rejection(
      iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://six.example.com/", ThumbprintList: six })),
    );
    expect(err).toBeInstanceOf(InvalidInputException);
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toBe("Thumbprint list must contain fewer than 5 entries.");

    const five = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: "https://five.example.com/", ThumbprintList: six.slice(0, 5) }),
    );
    const arn = five.OpenIDConnectProviderArn;
    const update = await rejection(
      iam.send(
        new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: six }),
      ),
    );
    expect(update).toBeInstanceOf(InvalidInputException);
    expect(update.message).toBe("Thumbprint list must contain fewer than 5 entries.");
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
  });

  test("create and get return the provider's tags sorted by key, as IAM documents", async () => {
    const out = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: "https://sorted.example.com/",
        ThumbprintList: [THUMB_A],
        Tags: [
          { Key: "zeta", Value: "1" },
          { Key: "Alpha", Value: "2" },
          { Key: "beta", Value: "3" },
        ],
      }),
    );
    const expected = [
      { Key: "Alpha", Value: "2" },
      { Key: "beta", Value: "3" },
      { Key: "zeta", Value: "1" },
    ];
    expect(out.Tags).toEqual(expected);
    const got = await iam.send(
      new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: out.OpenIDConnectProviderArn }),
    );
    expect(got.Tags).toEqual(expected);

    const badKey = await rejection(
      iam.send(
        new UntagOpenIDConnectProviderCommand({
          OpenIDConnectProviderArn: out.OpenIDConnectProviderArn,
          TagKeys: ["k".repeat(129)],
        }),
      ),
    );
    expect(badKey.name).toBe("ValidationError");
    expect(badKey.message).toMatch(
      /at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: \[Member must have length less than or equal to 128/,
    );

    const page = await iam.send(
      new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: out.OpenIDConnectProviderArn, MaxItems: 2 }),
    );
    expect(page.Tags).toHaveLength(2);
    expect(page.IsTruncated).toBe(true);
    const rest = await iam.send(
      new ListOpenIDConnectProviderTagsCommand({
        OpenIDConnectProviderArn: out.OpenIDConnectProviderArn,
        Marker: page.Marker,
      }),
    );
    expect(rest.Tags).toHaveLength(1);
    expect(rest.IsTruncated).toBe(false);
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: out.OpenIDConnectProviderArn }));
  });

  test("a loopback URL with a port is accepted (the sandbox's own issuers); list, and delete twice (idempotent)", async () => {
    const out = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: "https://127.0.0.1:8443/tenant/",
        ClientIDList: ["a"],
        ThumbprintList: [THUMB_A],
      }),
    );
    expect(out.OpenIDConnectProviderArn).toBe("arn:aws:iam::123456789012:oidc-provider/127.0.0.1:8443/tenant/");
    const list = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    expect(list.OpenIDConnectProviderList?.map((p) => p.Arn)).toContain(out.OpenIDConnectProviderArn);
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: out.OpenIDConnectProviderArn }));
    // Documented as idempotent: deleting it again succeeds.
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: out.OpenIDConnectProviderArn }));
    const gone = await rejection(
      iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: out.OpenIDConnectProviderArn })),
    );
    expect(gone).toBeInstanceOf(NoSuchEntityException);
    expect(gone.$metadata?.httpStatusCode).toBe(404);
  });

  test("without thumbprints IAM must reach the host: an unreachable loopback issuer is OpenIdIdpCommunicationError", async () => {
    const err = await rejection(
      iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://127.0.0.1:1/tenant/", ClientIDList: ["a"] })),
    );
    expect(err).toBeInstanceOf(OpenIdIdpCommunicationErrorException);
  });

  test("without thumbprints a non-loopback host is stored with an empty list (the sandbox never goes online)", async () => {
    const out = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: "https://login.example.com/t/", ClientIDList: ["a"] }),
    );
    const got = await iam.send(
      new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: out.OpenIDConnectProviderArn }),
    );
    expect(got.ThumbprintList ?? []).toEqual([]);
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: out.OpenIDConnectProviderArn }));
  });

  test("adding a client id keeps the others and adding it twice changes nothing", async () => {
    await iam.send(
      new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN, ClientID: "second" }),
    );
    await iam.send(
      new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN, ClientID: "second" }),
    );
    const out = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN }));
    expect(out.ClientIDList).toEqual(["api://oidc-bridge", "second"]);
    await iam.send(
      new RemoveClientIDFromOpenIDConnectProviderCommand({
        OpenIDConnectProviderArn: PROVIDER_ARN,
        ClientID: "second",
      }),
    );
    const after = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN }));
    expect(after.ClientIDList).toEqual(["api://oidc-bridge"]);
  });

  test("updating thumbprints replaces the whole list", async () => {
    await iam.send(
      new UpdateOpenIDConnectProviderThumbprintCommand({
        OpenIDConnectProviderArn: PROVIDER_ARN,
        ThumbprintList: [THUMB_B],
      }),
    );
    const out = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN }));
    expect(out.ThumbprintList).toEqual([THUMB_B.toLowerCase()]);
  });

  test("every invalid member is reported in one ValidationError, as AWS's model validation does", async () => {
    const err = await rejection(
      iam.send(
        new AddClientIDToOpenIDConnectProviderCommand({
          OpenIDConnectProviderArn: "arn:short",
          ClientID: "c".repeat(256),
        }),
      ),
    );
    expect(err.name).toBe("ValidationError");
    expect(err.message).toMatch(/^2 validation errors detected: /);
    expect(err.message).toContain("'openIDConnectProviderArn'");
    expect(err.message).toContain("'clientID'");

    const attach = await rejection(
      iam.send(new AttachRolePolicyCommand({ RoleName: "bad name!", PolicyArn: "arn:short" })),
    );
    expect(attach.name).toBe("ValidationError");
    expect(attach.message).toMatch(/^2 validation errors detected: .*'roleName'.*'policyArn'/);
  });

  test("a malformed provider ARN is InvalidInput, a well-formed unknown one NoSuchEntity", async () => {
    const bad = await rejection(
      iam.send(
        new GetOpenIDConnectProviderCommand({
          OpenIDConnectProviderArn: "arn:aws:iam::123456789012:role/not-a-provider",
        }),
      ),
    );
    expect(bad).toBeInstanceOf(InvalidInputException);
    const missing = await rejection(
      iam.send(
        new GetOpenIDConnectProviderCommand({
          OpenIDConnectProviderArn: "arn:aws:iam::123456789012:oidc-provider/nowhere.example.com",
        }),
      ),
    );
    expect(missing).toBeInstanceOf(NoSuchEntityException);
  });
});

describe("IAM roles", () => {
  const document = trustPolicy(PROVIDER_ARN);

  test("create returns an AROA role id and the ARN with its path", async () => {
    const out = await iam.send(
      new CreateRoleCommand({
        RoleName: "bridge-role",
        Path: "/oidc/",
        AssumeRolePolicyDocument: document,
        MaxSessionDuration: 7200,
        Description: "test role",
        Tags: [{ Key: "managed-by", Value: "oidc-bridge" }],
      }),
    );
    expect(out.Role?.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(out.Role?.Arn).toBe("arn:aws:iam::123456789012:role/oidc/bridge-role");
  });

  test("GetRole returns the trust policy URL-encoded, exactly as submitted", async () => {
    const out = await iam.send(new GetRoleCommand({ RoleName: "bridge-role" }));
    expect(out.Role?.AssumeRolePolicyDocument).toBe(encodeURIComponent(document));
    expect(decodeURIComponent(out.Role?.AssumeRolePolicyDocument ?? "")).toBe(document);
    expect(out.Role?.MaxSessionDuration).toBe(7200);
    expect(out.Role?.Description).toBe("test role");
    expect(out.Role?.Tags).toEqual([{ Key: "managed-by", Value: "oidc-bridge" }]);
  });

  test("role names are unique regardless of case", async () => {
    const err = await rejection(
      iam.send(new CreateRoleCommand({ RoleName: "BRIDGE-ROLE", AssumeRolePolicyDocument: document })),
    );
    expect(err).toBeInstanceOf(EntityAlreadyExistsException);
  });

  test("an invalid role name fails model validation", async () => {
    const err = await rejection(
      iam.send(new CreateRoleCommand({ RoleName: "bad name!", AssumeRolePolicyDocument: document })),
    );
    expect(err.name).toBe("ValidationError");
  });

  test.each([
    ["not JSON", "{nope", /invalid Json/],
    ["a wrong Version", JSON.stringify({ Version: "2020-01-01", Statement: [] }), /valid version string/],
    ["no Statement", JSON.stringify({ Version: "2012-10-17" }), /Statement/],
    ["a bad Effect", trustPolicy(PROVIDER_ARN, { Effect: "Permit" }), /Invalid effect: Permit/],
    [
      "an unknown condition operator",
      trustPolicy(PROVIDER_ARN, { Condition: { StringEqualz: { "a:b": "c" } } }),
      /Invalid Condition type : StringEqualz/,
    ],
    ["an Action that is an object", trustPolicy(PROVIDER_ARN, { Action: { a: 1 } }), /Syntax errors in policy/],
    ["a Resource element", trustPolicy(PROVIDER_ARN, { Resource: "*" }), /prohibited field Resource/],
    ["a non-STS action", trustPolicy(PROVIDER_ARN, { Action: "s3:GetObject" }), /STS AssumeRole actions/],
  ])("a trust policy with %s is MalformedPolicyDocument", async (_what, policy, message) => {
    const err = await rejection(
      iam.send(new CreateRoleCommand({ RoleName: "malformed", AssumeRolePolicyDocument: policy })),
    );
    expect(err).toBeInstanceOf(MalformedPolicyDocumentException);
    expect(err.message).toMatch(message);
  });

  test("a Federated principal naming a provider that does not exist is an invalid principal", async () => {
    const missing = "arn:aws:iam::123456789012:oidc-provider/login.example.com/none/";
    const err = await rejection(
      iam.send(new CreateRoleCommand({ RoleName: "orphan", AssumeRolePolicyDocument: trustPolicy(missing) })),
    );
    expect(err).toBeInstanceOf(MalformedPolicyDocumentException);
    expect(err.message).toBe(`Invalid principal in policy: "Federated":"${missing}"`);
  });

  test("UpdateAssumeRolePolicy replaces the document and validates it", async () => {
    const next = trustPolicy(PROVIDER_ARN, {
      Condition: { StringLike: { "sts.windows.net/5f0c7e1a-3b2d-4c8e-9a61-0d4b2e7f9c13/:sub": "*" } },
    });
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "bridge-role", PolicyDocument: next }));
    const out = await iam.send(new GetRoleCommand({ RoleName: "bridge-role" }));
    expect(decodeURIComponent(out.Role?.AssumeRolePolicyDocument ?? "")).toBe(next);
    const err = await rejection(
      iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "bridge-role", PolicyDocument: "[]" })),
    );
    expect(err).toBeInstanceOf(MalformedPolicyDocumentException);
  });

  test("UpdateRole changes MaxSessionDuration within 3600-43200", async () => {
    await iam.send(new UpdateRoleCommand({ RoleName: "bridge-role", MaxSessionDuration: 3600 }));
    expect((await iam.send(new GetRoleCommand({ RoleName: "bridge-role" }))).Role?.MaxSessionDuration).toBe(3600);
    const err = await rejection(iam.send(new UpdateRoleCommand({ RoleName: "bridge-role", MaxSessionDuration: 60 })));
    expect(err.name).toBe("ValidationError");
  });

  test("tags are added, overwritten by key and removed", async () => {
    await iam.send(
      new TagRoleCommand({
        RoleName: "bridge-role",
        Tags: [
          { Key: "env", Value: "a" },
          { Key: "managed-by", Value: "me" },
        ],
      }),
    );
    await iam.send(new UntagRoleCommand({ RoleName: "bridge-role", TagKeys: ["env"] }));
    const out = await iam.send(new ListRoleTagsCommand({ RoleName: "bridge-role" }));
    expect(out.Tags).toEqual([{ Key: "managed-by", Value: "me" }]);
  });

  test("attach, list, detach a managed policy; unknown policy is NoSuchEntity", async () => {
    const arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
    await iam.send(new AttachRolePolicyCommand({ RoleName: "bridge-role", PolicyArn: arn }));
    const listed = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "bridge-role" }));
    expect(listed.AttachedPolicies).toEqual([{ PolicyName: "AmazonS3ReadOnlyAccess", PolicyArn: arn }]);

    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    expect(policy.Policy?.AttachmentCount).toBe(1);
    const version = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy?.DefaultVersionId }),
    );
    expect(JSON.parse(decodeURIComponent(version.PolicyVersion?.Document ?? ""))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"],
          Resource: "*",
        },
      ],
    });

    const unknown = await rejection(
      iam.send(
        new AttachRolePolicyCommand({ RoleName: "bridge-role", PolicyArn: "arn:aws:iam::aws:policy/NoSuchPolicy" }),
      ),
    );
    expect(unknown).toBeInstanceOf(NoSuchEntityException);
  });

  test("list calls page with MaxItems and Marker; MaxItems outside 1-1000 and a bad PathPrefix fail validation", async () => {
    await iam.send(
      new TagRoleCommand({
        RoleName: "bridge-role",
        Tags: [
          { Key: "a", Value: "1" },
          { Key: "b", Value: "2" },
        ],
      }),
    );
    const first = await iam.send(new ListRoleTagsCommand({ RoleName: "bridge-role", MaxItems: 2 }));
    expect(first.Tags).toHaveLength(2);
    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toBeTruthy();
    const second = await iam.send(new ListRoleTagsCommand({ RoleName: "bridge-role", Marker: first.Marker }));
    expect(second.IsTruncated).toBe(false);
    expect([...(first.Tags ?? []), ...(second.Tags ?? [])].map((t) => t.Key)).toEqual(["a", "b", "managed-by"]);
    await iam.send(new UntagRoleCommand({ RoleName: "bridge-role", TagKeys: ["a", "b"] }));

    const zero = await rejection(iam.send(new ListRoleTagsCommand({ RoleName: "bridge-role", MaxItems: 0 })));
    expect(zero.name).toBe("ValidationError");
    expect(zero.message).toMatch(
      /'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1/,
    );

    const s3 = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
    const ssmRead = "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess";
    await iam.send(new AttachRolePolicyCommand({ RoleName: "bridge-role", PolicyArn: ssmRead }));
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "bridge-role", MaxItems: 1 }));
    expect(page.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([s3]);
    expect(page.IsTruncated).toBe(true);
    const next = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: "bridge-role", MaxItems: 1, Marker: page.Marker }),
    );
    expect(next.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([ssmRead]);
    expect(next.IsTruncated).toBe(false);
    await iam.send(new DetachRolePolicyCommand({ RoleName: "bridge-role", PolicyArn: ssmRead }));

    const badPrefix = await rejection(
      iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "bridge-role", PathPrefix: "no-slash" })),
    );
    expect(badPrefix.name).toBe("ValidationError");
    expect(badPrefix.message).toMatch(/'pathPrefix'/);
  });

  test("a permissions boundary given on create is kept and shown; an unknown boundary policy is NoSuchEntity", async () => {
    const boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    await iam.send(
      new CreateRoleCommand({ RoleName: "bounded", AssumeRolePolicyDocument: document, PermissionsBoundary: boundary }),
    );
    const got = await iam.send(new GetRoleCommand({ RoleName: "bounded" }));
    expect(got.Role?.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: "PermissionsBoundaryPolicy",
      PermissionsBoundaryArn: boundary,
    });
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: boundary }));
    expect(policy.Policy?.PermissionsBoundaryUsageCount).toBe(1);
    await iam.send(new DeleteRoleCommand({ RoleName: "bounded" }));

    const missing = "arn:aws:iam::123456789012:policy/no-such-boundary";
    const err = await rejection(
      iam.send(
        new CreateRoleCommand({
          RoleName: "unbounded",
          AssumeRolePolicyDocument: document,
          PermissionsBoundary: missing,
        }),
      ),
    );
    expect(err).toBeInstanceOf(NoSuchEntityException);
    expect(err.message).toBe(`Scope ARN: ${missing} does not exist or is not attachable.`);
    expect(await rejection(iam.send(new GetRoleCommand({ RoleName: "unbounded" })))).toBeInstanceOf(
      NoSuchEntityException,
    );
  });

  test("DeleteRole with an attached policy is DeleteConflict (409); after detaching it succeeds", async () => {
    const err = await rejection(iam.send(new DeleteRoleCommand({ RoleName: "bridge-role" })));
    expect(err).toBeInstanceOf(DeleteConflictException);
    expect(err.$metadata?.httpStatusCode).toBe(409);
    await iam.send(
      new DetachRolePolicyCommand({
        RoleName: "bridge-role",
        PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
      }),
    );
    const listed = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "bridge-role" }));
    expect(listed.AttachedPolicies ?? []).toEqual([]);
    await iam.send(new DeleteRoleCommand({ RoleName: "bridge-role" }));
    const gone = await rejection(iam.send(new GetRoleCommand({ RoleName: "bridge-role" })));
    expect(gone).toBeInstanceOf(NoSuchEntityException);
  });
});

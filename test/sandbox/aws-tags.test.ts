import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  InvalidInputException,
  ListOpenIDConnectProviderTagsCommand,
  ListRoleTagsCommand,
  TagOpenIDConnectProviderCommand,
  TagRoleCommand,
} from "@aws-sdk/client-iam";
import {
  AddTagsToResourceCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  RemoveTagsFromResourceCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { SignatureV4 } from "@smithy/signature-v4";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { createAwsService, readAwsSandboxCredentials } from "../../src/sandbox/aws/index.js";
import { NodeSha256 } from "../helpers/node-sha256.js";
import { endpointOf } from "../helpers/endpoint.js";
import { rejection } from "../helpers/rejection.js";
import { trustSandboxCa } from "../helpers/trust-sandbox-ca.js";

let dir: string;
let sandbox: RunningSandbox;
let iam: IAMClient;
let ssm: SSMClient;
let providerArn: string;
let credentials: { accessKeyId: string; secretAccessKey: string };

const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const UNSORTED = [
  { Key: "zeta", Value: "1" },
  { Key: "Alpha", Value: "2" },
  { Key: "beta", Value: "3" },
];
const SORTED = ["Alpha", "beta", "zeta"];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aws-tags-"));
  sandbox = await startSandbox({ dir, services: [createAwsService()], env: {} });
  trustSandboxCa(sandbox.caPem);
  credentials = await readAwsSandboxCredentials(dir);
  iam = new IAMClient({
    region: "us-east-1",
    endpoint: endpointOf(sandbox.endpoints, "iam"),
    credentials,
    maxAttempts: 1,
  });
  ssm = new SSMClient({
    region: "us-east-1",
    endpoint: endpointOf(sandbox.endpoints, "ssm"),
    credentials,
    maxAttempts: 1,
  });
  await iam.send(new CreateRoleCommand({ RoleName: "tagged", AssumeRolePolicyDocument: TRUST, Tags: UNSORTED }));
  const provider = await iam.send(
    new CreateOpenIDConnectProviderCommand({ Url: "https://tags.example.com/", ThumbprintList: ["a".repeat(40)] }),
  );
  providerArn = provider.OpenIDConnectProviderArn as string;
  await ssm.send(new PutParameterCommand({ Name: "/tagged", Value: "v", Type: "String", Tags: UNSORTED }));
});

afterAll(async () => {
  iam?.destroy();
  ssm?.destroy();
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("tag lists come back sorted by key", () => {
  test("IAM: GetRole, ListRoleTags and ListOpenIDConnectProviderTags", async () => {
    const role = await iam.send(new GetRoleCommand({ RoleName: "tagged" }));
    expect(role.Role?.Tags?.map((t) => t.Key)).toEqual(SORTED);
    const listed = await iam.send(new ListRoleTagsCommand({ RoleName: "tagged" }));
    expect(listed.Tags?.map((t) => t.Key)).toEqual(SORTED);
    await iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn, Tags: UNSORTED }));
    const providerTags = await iam.send(
      new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: providerArn }),
    );
    expect(providerTags.Tags?.map((t) => t.Key)).toEqual(SORTED);
  });

  test("SSM: ListTagsForResource", async () => {
    const listed = await ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: "/tagged" }));
    expect(listed.TagList?.map((t) => t.Key)).toEqual(SORTED);
  });
});

describe("tag keys under AWS's reserved aws: prefix are refused", () => {
  test.each(["aws:owner", "AWS:owner", "Aws:Owner"])(
    "IAM refuses %s with InvalidInput on every tagging call",
    async (key) => {
      const tags = [{ Key: key, Value: "x" }];
      const calls = [
        iam.send(new CreateRoleCommand({ RoleName: "reserved", AssumeRolePolicyDocument: TRUST, Tags: tags })),
        iam.send(new TagRoleCommand({ RoleName: "tagged", Tags: tags })),
        iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://reserved.example.com/", Tags: tags })),
        iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn, Tags: tags })),
      ];
      for (const call of calls) {
        const err = await rejection(call);
        expect(err).toBeInstanceOf(InvalidInputException);
        expect(err.message).toContain('"aws:"');
      }
      const listed = await iam.send(new ListRoleTagsCommand({ RoleName: "tagged" }));
      expect(listed.Tags?.map((t) => t.Key)).toEqual(SORTED);
    },
  );

  test("SSM refuses them by its TagKey pattern (ValidationException) when adding and when removing", async () => {
    const add = await rejection(
      ssm.send(
        new AddTagsToResourceCommand({
          ResourceType: "Parameter",
          ResourceId: "/tagged",
          Tags: [{ Key: "AWS:x", Value: "y" }],
        }),
      ),
    );
    expect(add.name).toBe("ValidationException");
    expect(add.message).toBe(
      "1 validation error detected: Value 'AWS:x' at 'tags.1.member.key' failed to satisfy constraint: " +
        "Member must satisfy regular expression pattern: ^(?!^(?i)aws:)(?=^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$).*$",
    );
    const put = await rejection(
      ssm.send(
        new PutParameterCommand({
          Name: "/reserved-tag",
          Value: "v",
          Type: "String",
          Tags: [{ Key: "aws:x", Value: "y" }],
        }),
      ),
    );
    expect(put.name).toBe("ValidationException");
    const remove = await rejection(
      ssm.send(
        new RemoveTagsFromResourceCommand({ ResourceType: "Parameter", ResourceId: "/tagged", TagKeys: ["aws:x"] }),
      ),
    );
    expect(remove.name).toBe("ValidationException");
  });
});

describe("a NUL in a tag value is refused", () => {
  test("IAM answers a ValidationError the SDK can read, and keeps the role's tags", async () => {
    const err = await rejection(
      iam.send(new TagRoleCommand({ RoleName: "tagged", Tags: [{ Key: "k", Value: "a\u0000b" }] })),
    );
    expect(err.name).toBe("ValidationError");
    expect(err.message).toMatch(
      /at 'tags\.1\.member\.value' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    const listed = await iam.send(new ListRoleTagsCommand({ RoleName: "tagged" }));
    expect(listed.Tags?.map((t) => t.Key)).toEqual(SORTED);
  });

  test("the refusal is well-formed XML: the echoed NUL is not in the document", async () => {
    const url = new URL(endpointOf(sandbox.endpoints, "iam"));
    const body = "Action=TagRole&Version=2010-05-08&RoleName=tagged&Tags.member.1.Key=k&Tags.member.1.Value=a%00b";
    const signer = new SignatureV4({ credentials, region: "us-east-1", service: "iam", sha256: NodeSha256 });
    const signed = await signer.sign({
      method: "POST",
      protocol: "https:",
      hostname: url.hostname,
      port: Number(url.port),
      path: "/",
      query: {},
      headers: { host: url.host, "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    const res = await fetch(`${url.origin}/`, { method: "POST", headers: signed.headers, body });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).toContain("<Code>ValidationError</Code>");
    // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these control characters
    expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  test("SSM answers a ValidationException", async () => {
    const err = await rejection(
      ssm.send(
        new AddTagsToResourceCommand({
          ResourceType: "Parameter",
          ResourceId: "/tagged",
          Tags: [{ Key: "k", Value: "a\u0000b" }],
        }),
      ),
    );
    expect(err.name).toBe("ValidationException");
    expect(err.message).toContain("'tags.1.member.value'");
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  GetParameterCommand,
  ListTagsForResourceCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  RemoveTagsFromResourceCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { readJournal } from "../../src/sandbox/harness/journal.js";
import { createAwsService, readAwsSandboxCredentials } from "../../src/sandbox/aws/index.js";
import { rejection } from "../helpers/rejection.js";
import { endpointOf } from "../helpers/endpoint.js";
import { trustSandboxCa } from "../helpers/trust-sandbox-ca.js";

let dir: string;
let sandbox: RunningSandbox;
let ssm: SSMClient;
let ssmWest: SSMClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aws-ssm-"));
  sandbox = await startSandbox({ dir, services: [createAwsService()], env: {} });
  trustSandboxCa(sandbox.caPem);
  const credentials = await readAwsSandboxCredentials(dir);
  ssm = new SSMClient({
    region: "us-east-1",
    endpoint: endpointOf(sandbox.endpoints, "ssm"),
    credentials,
    maxAttempts: 1,
  });
  ssmWest = new SSMClient({
    region: "eu-west-1",
    endpoint: endpointOf(sandbox.endpoints, "ssm"),
    credentials,
    maxAttempts: 1,
  });
});

afterAll(async () => {
  ssm?.destroy();
  ssmWest?.destroy();
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("SSM Parameter Store", () => {
  test("put then get returns value, version 1, regional ARN, epoch date and data type", async () => {
    const put = await ssm.send(
      new PutParameterCommand({
        Name: "/oidc-bridge/role-arn",
        Value: "arn:aws:iam::123456789012:role/x",
        Type: "String",
      }),
    );
    expect(put.Version).toBe(1);
    expect(put.Tier).toBe("Standard");
    const got = await ssm.send(new GetParameterCommand({ Name: "/oidc-bridge/role-arn" }));
    expect(got.Parameter).toMatchObject({
      Name: "/oidc-bridge/role-arn",
      Type: "String",
      Value: "arn:aws:iam::123456789012:role/x",
      Version: 1,
      ARN: "arn:aws:ssm:us-east-1:123456789012:parameter/oidc-bridge/role-arn",
      DataType: "text",
    });
    expect(got.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    expect(Math.abs((got.Parameter?.LastModifiedDate?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  test("putting an existing name without Overwrite is ParameterAlreadyExists", async () => {
    const err = await rejection(
      ssm.send(new PutParameterCommand({ Name: "/oidc-bridge/role-arn", Value: "other", Type: "String" })),
    );
    expect(err).toBeInstanceOf(ParameterAlreadyExists);
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });

  test("Overwrite replaces the value and increments the version; older versions stay readable", async () => {
    const put = await ssm.send(
      new PutParameterCommand({ Name: "/oidc-bridge/role-arn", Value: "second", Overwrite: true }),
    );
    expect(put.Version).toBe(2);
    const got = await ssm.send(new GetParameterCommand({ Name: "/oidc-bridge/role-arn" }));
    expect(got.Parameter?.Value).toBe("second");
    expect(got.Parameter?.Version).toBe(2);
    const first = await ssm.send(new GetParameterCommand({ Name: "/oidc-bridge/role-arn:1" }));
    expect(first.Parameter?.Value).toBe("arn:aws:iam::123456789012:role/x");
  });

  test("an unknown version is ParameterVersionNotFound; an unknown label finds nothing (ParameterNotFound)", async () => {
    const version = await rejection(ssm.send(new GetParameterCommand({ Name: "/oidc-bridge/role-arn:9" })));
    expect(version.name).toBe("ParameterVersionNotFound");
    expect(version.message).toBe(
      "Systems Manager could not find version 9 of /oidc-bridge/role-arn. Verify the version and try again.",
    );
    const label = await rejection(ssm.send(new GetParameterCommand({ Name: "/oidc-bridge/role-arn:prod" })));
    expect(label).toBeInstanceOf(ParameterNotFound);
  });

  test("a missing parameter is ParameterNotFound (400)", async () => {
    const err = await rejection(ssm.send(new GetParameterCommand({ Name: "/does/not/exist" })));
    expect(err).toBeInstanceOf(ParameterNotFound);
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });

  test("parameters are regional: another region does not see them", async () => {
    const err = await rejection(ssmWest.send(new GetParameterCommand({ Name: "/oidc-bridge/role-arn" })));
    expect(err).toBeInstanceOf(ParameterNotFound);
    await ssmWest.send(new PutParameterCommand({ Name: "west", Value: "w", Type: "String" }));
    const got = await ssmWest.send(new GetParameterCommand({ Name: "west" }));
    expect(got.Parameter?.ARN).toBe("arn:aws:ssm:eu-west-1:123456789012:parameter/west");
  });

  test("a new parameter without Type is a ValidationException", async () => {
    const err = await rejection(ssm.send(new PutParameterCommand({ Name: "/no-type", Value: "v" })));
    expect(err.name).toBe("ValidationException");
    expect(err.message).toMatch(/parameter type is required/);
  });

  const BAD_NAME =
    'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by ' +
    "slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_";

  test.each(["/ssm/x", "no/leading/slash", "/bad name", "/double//slash"])(
    "the name %s is a ValidationException in SSM's words",
    async (name) => {
      const err = await rejection(ssm.send(new PutParameterCommand({ Name: name, Value: "v", Type: "String" })));
      expect(err.name).toBe("ValidationException");
      expect(err.message).toBe(BAD_NAME);
    },
  );

  test.each([
    ["aws-reserved", "aws-reserved"],
    ["/aws/test", "aws/test"],
    ["/AWSsec/lab/x", "AWSsec/lab/x"],
  ])("writing or deleting the reserved name %s is AccessDeniedException (400)", async (name, shown) => {
    const put = await rejection(ssm.send(new PutParameterCommand({ Name: name, Value: "v", Type: "String" })));
    expect(put.name).toBe("AccessDeniedException");
    expect(put.$metadata?.httpStatusCode).toBe(400);
    expect(put.message).toBe(`No access to reserved parameter name: ${shown}.`);
    const del = await rejection(ssm.send(new DeleteParameterCommand({ Name: name })));
    expect(del.name).toBe("AccessDeniedException");
  });

  test("GetParameter checks the name's form before looking it up: a malformed name is not ParameterNotFound", async () => {
    const err = await rejection(ssm.send(new GetParameterCommand({ Name: "test/some-config" })));
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe(BAD_NAME);
    // AWS's public parameters live under /aws: reading there is allowed (and finds nothing here).
    expect(await rejection(ssm.send(new GetParameterCommand({ Name: "/aws/service/none" })))).toBeInstanceOf(
      ParameterNotFound,
    );
  });

  test("a name 15 levels deep is accepted; 16 levels is HierarchyLevelLimitExceededException", async () => {
    const levels = (n: number): string => Array.from({ length: n }, (_, i) => `/l${i + 1}`).join("");
    const ok = await ssm.send(new PutParameterCommand({ Name: levels(15), Value: "v", Type: "String" }));
    expect(ok.Version).toBe(1);
    const err = await rejection(ssm.send(new PutParameterCommand({ Name: levels(16), Value: "v", Type: "String" })));
    expect(err.name).toBe("HierarchyLevelLimitExceededException");
    expect(err.message).toMatch(/^A hierarchy can have a maximum of 15 levels\./);
  });

  test("an empty Value and a KeyId outside its pattern fail validation", async () => {
    const empty = await rejection(ssm.send(new PutParameterCommand({ Name: "/empty", Value: "", Type: "String" })));
    expect(empty.name).toBe("ValidationException");
    expect(empty.message).toBe(
      "1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    const key = await rejection(
      ssm.send(new PutParameterCommand({ Name: "/keyed", Value: "v", Type: "SecureString", KeyId: "not a key!" })),
    );
    expect(key.name).toBe("ValidationException");
    expect(key.message).toMatch(/'keyId' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  });

  test("SecureString reads back encrypted unless WithDecryption is set", async () => {
    await ssm.send(new PutParameterCommand({ Name: "/secret", Value: "s3cr3t", Type: "SecureString" }));
    const raw = await ssm.send(new GetParameterCommand({ Name: "/secret" }));
    expect(raw.Parameter?.Value).not.toBe("s3cr3t");
    const plain = await ssm.send(new GetParameterCommand({ Name: "/secret", WithDecryption: true }));
    expect(plain.Parameter?.Value).toBe("s3cr3t");
  });

  test("tags given on create and added later are listed; tags with Overwrite are refused", async () => {
    await ssm.send(
      new PutParameterCommand({
        Name: "/tagged",
        Value: "v",
        Type: "String",
        Tags: [{ Key: "managed-by", Value: "oidc-bridge" }],
      }),
    );
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: "Parameter",
        ResourceId: "/tagged",
        Tags: [{ Key: "env", Value: "dev" }],
      }),
    );
    const listed = await ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: "/tagged" }));
    // Listed sorted by key, not in the order added.
    expect(listed.TagList).toEqual([
      { Key: "env", Value: "dev" },
      { Key: "managed-by", Value: "oidc-bridge" },
    ]);
    const err = await rejection(
      ssm.send(
        new PutParameterCommand({ Name: "/tagged", Value: "w", Overwrite: true, Tags: [{ Key: "a", Value: "b" }] }),
      ),
    );
    expect(err.name).toBe("ValidationException");
    const missing = await rejection(
      ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: "/nothing" })),
    );
    expect(missing.name).toBe("InvalidResourceId");
  });

  test("tagging calls report every invalid member at once", async () => {
    const input = { ResourceType: undefined, ResourceId: "/tagged" } as unknown as ConstructorParameters<
      typeof RemoveTagsFromResourceCommand
    >[0];
    const err = await rejection(ssm.send(new RemoveTagsFromResourceCommand(input)));
    expect(err.name).toBe("ValidationException");
    expect(err.message).toMatch(/^2 validation errors detected: .*'tagKeys'.*'resourceType'/);
  });

  test("delete removes the parameter; deleting again is ParameterNotFound", async () => {
    await ssm.send(new DeleteParameterCommand({ Name: "/tagged" }));
    const err = await rejection(ssm.send(new DeleteParameterCommand({ Name: "/tagged" })));
    expect(err).toBeInstanceOf(ParameterNotFound);
  });

  test("the journal names SSM operations and marks writes", async () => {
    const entries = await readJournal(sandbox.journalPath);
    const puts = entries.filter((e) => e.service === "ssm" && e.operation === "PutParameter" && e.status === 200);
    expect(puts.length).toBeGreaterThan(0);
    expect(puts.every((e) => e.write)).toBe(true);
    const gets = entries.filter((e) => e.service === "ssm" && e.operation === "GetParameter");
    expect(gets.every((e) => !e.write)).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { AccessDeniedException, PutParameterCommand } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { rejection } from "../helpers/rejection.js";
import { startFederation, type Credentials, type Federation } from "../helpers/aws-federation.js";

/**
 * Temporary credentials from AssumeRoleWithWebIdentity can do what their role's identity policies
 * allow, as in AWS; the sandbox's own long-term key can do everything.
 */

const S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const SESSION_ARN = "arn:aws:sts::123456789012:assumed-role/vm-reader/vm";
const code = (xml: string): string | undefined => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
const message = (xml: string): string | undefined => /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];

let fed: Federation;
let session: Credentials;

beforeAll(async () => {
  fed = await startFederation();
  await fed.createRole("vm-reader");
  const { iam } = fed.clients();
  await iam.send(new AttachRolePolicyCommand({ RoleName: "vm-reader", PolicyArn: S3_READ_ONLY }));
  iam.destroy();
  session = await fed.assume("vm-reader");
});

afterAll(async () => {
  await fed?.stop();
});

describe("a session of a role with AmazonS3ReadOnlyAccess", () => {
  test("GetCallerIdentity names the assumed role and session", async () => {
    const { sts } = fed.clients(session);
    const who = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(who.Arn).toBe(SESSION_ARN);
    expect(who.UserId).toMatch(/^AROA[A-Z0-9]{17}:vm$/);
  });

  test("lists the account's buckets", async () => {
    const reply = await fed.listBuckets(session);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain("<Name>oidc-bridge-sandbox-data</Name>");
  });

  test("iam:CreateRole is AccessDenied (403) naming the session, the action and the new role's ARN", async () => {
    const { iam } = fed.clients(session);
    const err = await rejection(
      iam.send(new CreateRoleCommand({ RoleName: "escalate", AssumeRolePolicyDocument: fed.trustPolicy() })),
    );
    iam.destroy();
    expect(err.name).toBe("AccessDenied");
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(err.message).toBe(
      `User: ${SESSION_ARN} is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/escalate because no identity-based policy allows the iam:CreateRole action`,
    );
  });

  test("iam:AttachRolePolicy on its own role is AccessDenied, and the role keeps only its S3 policy", async () => {
    const { iam } = fed.clients(session);
    const err = await rejection(
      iam.send(
        new AttachRolePolicyCommand({
          RoleName: "vm-reader",
          PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
      ),
    );
    iam.destroy();
    expect(err.name).toBe("AccessDenied");
    expect(err.message).toContain(
      "is not authorized to perform: iam:AttachRolePolicy on resource: arn:aws:iam::123456789012:role/vm-reader",
    );
    const admin = fed.clients().iam;
    const attached = await admin.send(new ListAttachedRolePoliciesCommand({ RoleName: "vm-reader" }));
    admin.destroy();
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([S3_READ_ONLY]);
  });

  test("ssm:PutParameter is SSM's AccessDeniedException (400) naming the parameter's ARN", async () => {
    const { ssm } = fed.clients(session);
    const err = await rejection(
      ssm.send(new PutParameterCommand({ Name: "/oidc-bridge/role-arn", Value: "x", Type: "String", Overwrite: true })),
    );
    ssm.destroy();
    expect(err).toBeInstanceOf(AccessDeniedException);
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toBe(
      `User: ${SESSION_ARN} is not authorized to perform: ssm:PutParameter on resource: arn:aws:ssm:eu-central-1:123456789012:parameter/oidc-bridge/role-arn because no identity-based policy allows the ssm:PutParameter action`,
    );
  });

  test("the sandbox's own key still does all of it", async () => {
    const { iam, ssm } = fed.clients();
    await iam.send(new CreateRoleCommand({ RoleName: "admin-made", AssumeRolePolicyDocument: fed.trustPolicy() }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: "admin-made", PolicyArn: S3_READ_ONLY }));
    await ssm.send(new PutParameterCommand({ Name: "/admin/param", Value: "x", Type: "String" }));
    iam.destroy();
    ssm.destroy();
    expect((await fed.listBuckets(fed.admin)).status).toBe(200);
  });
});

describe("policy evaluation", () => {
  test("detaching the S3 policy makes ListBuckets S3's AccessDenied (403) for the same, still valid, session", async () => {
    await fed.createRole("detached");
    const { iam } = fed.clients();
    await iam.send(new AttachRolePolicyCommand({ RoleName: "detached", PolicyArn: S3_READ_ONLY }));
    const own = await fed.assume("detached");
    expect((await fed.listBuckets(own)).status).toBe(200);
    await iam.send(new DetachRolePolicyCommand({ RoleName: "detached", PolicyArn: S3_READ_ONLY }));
    iam.destroy();
    const reply = await fed.listBuckets(own);
    expect(reply.status).toBe(403);
    expect(code(reply.body)).toBe("AccessDenied");
    // s3:ListAllMyBuckets has no resource type: the message names none.
    expect(message(reply.body)).toBe(
      "User: arn:aws:sts::123456789012:assumed-role/detached/vm is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action",
    );
  });

  test("an inline Deny wins over the managed policy's Allow, with IAM's explicit-deny wording", async () => {
    await fed.createRole("denied-inline");
    const { iam } = fed.clients();
    await iam.send(new AttachRolePolicyCommand({ RoleName: "denied-inline", PolicyArn: S3_READ_ONLY }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "denied-inline",
        PolicyName: "no-listing",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Deny", Action: "s3:ListAll*", Resource: "*" }],
        }),
      }),
    );
    const own = await fed.assume("denied-inline");
    const reply = await fed.listBuckets(own);
    expect(message(reply.body)).toMatch(/s3:ListAllMyBuckets with an explicit deny in an identity-based policy$/);
    await iam.send(new DeleteRolePolicyCommand({ RoleName: "denied-inline", PolicyName: "no-listing" }));
    iam.destroy();
    expect((await fed.listBuckets(own)).status).toBe(200);
  });

  test("NotAction, NotResource and conditions on the request context decide as in IAM", async () => {
    await fed.createRole("scoped");
    const { iam } = fed.clients();
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "scoped",
        PolicyName: "scoped",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            // Everything but IAM, in eu-central-1 only, over TLS.
            {
              Effect: "Allow",
              NotAction: "iam:*",
              Resource: "*",
              Condition: {
                StringEquals: { "aws:RequestedRegion": "eu-central-1" },
                Bool: { "aws:SecureTransport": "true" },
              },
            },
            // Reading its own role only: NotResource leaves every other role out.
            { Effect: "Allow", Action: "iam:GetRole", Resource: "arn:aws:iam::123456789012:role/scoped" },
            { Effect: "Deny", Action: "ssm:*", NotResource: "arn:aws:ssm:*:*:parameter/scoped/*" },
            // "Null: false" asks for a key this session never carries (no source identity): no deny.
            {
              Effect: "Deny",
              Action: "iam:GetRole",
              Resource: "*",
              Condition: { Null: { "aws:SourceIdentity": "false" } },
            },
          ],
        }),
      }),
    );
    iam.destroy();
    const own = fed.clients(await fed.assume("scoped"));
    expect((await own.iam.send(new GetRoleCommand({ RoleName: "scoped" }))).Role?.RoleName).toBe("scoped");
    expect((await rejection(own.iam.send(new GetRoleCommand({ RoleName: "vm-reader" })))).name).toBe("AccessDenied");
    await own.ssm.send(new PutParameterCommand({ Name: "/scoped/ok", Value: "x", Type: "String" }));
    const outside = await rejection(
      own.ssm.send(new PutParameterCommand({ Name: "/other", Value: "x", Type: "String" })),
    );
    expect(outside.message).toMatch(/with an explicit deny in an identity-based policy$/);
    expect((await own.sts.send(new GetCallerIdentityCommand({}))).Arn).toContain("assumed-role/scoped/");
    own.iam.destroy();
    own.ssm.destroy();
    own.sts.destroy();
  });

  test("a permissions boundary limits what the role's policies allow", async () => {
    const { iam } = fed.clients();
    await iam.send(
      new CreateRoleCommand({
        RoleName: "bounded",
        AssumeRolePolicyDocument: fed.trustPolicy(),
        PermissionsBoundary: "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess",
      }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: "bounded", PolicyArn: S3_READ_ONLY }));
    iam.destroy();
    const reply = await fed.listBuckets(await fed.assume("bounded"));
    expect(message(reply.body)).toMatch(/because no permissions boundary allows the s3:ListAllMyBuckets action$/);
  });

  test("session credentials past their expiration are ExpiredToken; a key never issued is InvalidClientTokenId", async () => {
    const own = await fed.assume("vm-reader");
    fed.advance(3601_000);
    const late = fed.clients(own);
    const expired = await rejection(late.sts.send(new GetCallerIdentityCommand({})));
    late.sts.destroy();
    expect(expired.name).toBe("ExpiredToken");
    const unknown = fed.clients({ ...own, accessKeyId: "ASIAAAAAAAAAAAAAAAAA" });
    const err = await rejection(unknown.sts.send(new GetCallerIdentityCommand({})));
    unknown.sts.destroy();
    expect(err.name).toBe("InvalidClientTokenId");
  });
});

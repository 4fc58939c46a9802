import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateKeyPair } from "jose";
import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  DetachRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from "@aws-sdk/client-iam";
import { ExpiredTokenException, InvalidIdentityTokenException } from "@aws-sdk/client-sts";
import { SANDBOX_ENV } from "../../src/sandbox/constants.js";
import { rejection } from "../helpers/rejection.js";
import { AUDIENCE, startFederation, type Federation } from "../helpers/aws-federation.js";

/**
 * Each reason a real STS refuses AssumeRoleWithWebIdentity in this set-up, as `verify` must
 * recognise it: each test breaks one thing on a role that worked a moment before.
 */

const NOT_AUTHORIZED = "Not authorized to perform sts:AssumeRoleWithWebIdentity";

let fed: Federation;

beforeAll(async () => {
  fed = await startFederation();
});

afterAll(async () => {
  await fed?.stop();
});

/** A role that can be assumed now, proven by assuming it once. */
async function workingRole(name: string): Promise<void> {
  await fed.createRole(name);
  expect((await fed.assume(name)).accessKeyId).toMatch(/^ASIA/);
}

describe("AssumeRoleWithWebIdentity refuses", () => {
  test("a token whose sub the trust policy no longer names: AccessDenied 403", async () => {
    await workingRole("sub-changed");
    const { iam } = fed.clients();
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: "sub-changed",
        PolicyDocument: fed.trustPolicy("another-principal"),
      }),
    );
    iam.destroy();
    const err = await rejection(fed.assume("sub-changed"));
    expect([err.name, err.message, err.$metadata?.httpStatusCode]).toEqual(["AccessDenied", NOT_AUTHORIZED, 403]);
  });

  test("a token whose audience was removed from the provider: InvalidIdentityToken 'Incorrect token audience'", async () => {
    const other = await startFederation();
    try {
      await other.createRole("aud-removed");
      const { iam } = other.clients();
      await iam.send(
        new RemoveClientIDFromOpenIDConnectProviderCommand({
          OpenIDConnectProviderArn: other.providerArn,
          ClientID: AUDIENCE,
        }),
      );
      iam.destroy();
      const err = await rejection(other.assume("aud-removed"));
      expect(err).toBeInstanceOf(InvalidIdentityTokenException);
      expect(err.message).toBe("Incorrect token audience");
      expect(err.$metadata?.httpStatusCode).toBe(400);
    } finally {
      await other.stop();
    }
  });

  test("a token from an issuer whose provider was deleted: InvalidIdentityToken naming the issuer", async () => {
    const other = await startFederation();
    try {
      await other.createRole("provider-gone");
      const { iam } = other.clients();
      await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: other.providerArn }));
      iam.destroy();
      const err = await rejection(other.assume("provider-gone"));
      expect(err).toBeInstanceOf(InvalidIdentityTokenException);
      expect(err.message).toBe(`No OpenIDConnect provider found in your account for ${other.issuer}`);
    } finally {
      await other.stop();
    }
  });

  test("an expired token (more than 5 minutes past exp): ExpiredTokenException 400", async () => {
    await workingRole("expired-token");
    const err = await rejection(fed.assume("expired-token", await fed.token({ expSecondsFromNow: -301 - 60 })));
    expect(err).toBeInstanceOf(ExpiredTokenException);
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toMatch(/^Token expired: current date\/time \d+ must be before the expiration date\/time\d+$/);
  });

  test("a token signed by a key that is not in the issuer's key set: InvalidIdentityToken", async () => {
    await workingRole("foreign-key");
    const stranger = await generateKeyPair("RS256");
    const err = await rejection(fed.assume("foreign-key", await fed.token({}, stranger.privateKey)));
    expect(err).toBeInstanceOf(InvalidIdentityTokenException);
    expect(err.message).toBe("Invalid signature");
  });

  test.each([
    ["a trailing newline", (t: string) => `${t}\n`],
    ["a trailing space", (t: string) => `${t} `],
    ["base64 padding", (t: string) => `${t}==`],
  ])("a token whose signature segment carries %s: InvalidIdentityToken", async (_what, alter) => {
    await workingRole(`altered-${_what.replace(/\W+/g, "-")}`);
    const err = await rejection(fed.assume(`altered-${_what.replace(/\W+/g, "-")}`, alter(await fed.token())));
    expect(err).toBeInstanceOf(InvalidIdentityTokenException);
  });

  test("a provider whose thumbprint does not match the key host's certificate (a private CA): InvalidIdentityToken", async () => {
    await workingRole("thumbprint");
    const { iam } = fed.clients();
    const before = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: fed.providerArn }));
    await iam.send(
      new UpdateOpenIDConnectProviderThumbprintCommand({
        OpenIDConnectProviderArn: fed.providerArn,
        ThumbprintList: ["0".repeat(40)],
      }),
    );
    try {
      const err = await rejection(fed.assume("thumbprint"));
      expect(err).toBeInstanceOf(InvalidIdentityTokenException);
      expect(err.message).toBe("OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint");
    } finally {
      await iam.send(
        new UpdateOpenIDConnectProviderThumbprintCommand({
          OpenIDConnectProviderArn: fed.providerArn,
          ThumbprintList: before.ThumbprintList ?? [],
        }),
      );
      iam.destroy();
    }
    expect((await fed.assume("thumbprint")).accessKeyId).toMatch(/^ASIA/);
  });
});

describe("a role detached from its S3 policy", () => {
  test("is still assumable, and its session is denied ListBuckets", async () => {
    await workingRole("no-s3");
    const { iam } = fed.clients();
    const policy = { RoleName: "no-s3", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" };
    await iam.send(new AttachRolePolicyCommand(policy));
    expect((await fed.listBuckets(await fed.assume("no-s3"))).status).toBe(200);
    await iam.send(new DetachRolePolicyCommand(policy));
    iam.destroy();
    const reply = await fed.listBuckets(await fed.assume("no-s3"));
    expect(reply.status).toBe(403);
    expect(reply.body).toContain("<Code>AccessDenied</Code>");
  });
});

describe("eventual consistency switch", () => {
  test("a new role is AccessDenied until the propagation window has passed, then assumable", async () => {
    const slow = await startFederation({ [SANDBOX_ENV.rolePropagationMs]: "20000" });
    try {
      await slow.createRole("fresh");
      const early = await rejection(slow.assume("fresh"));
      expect([early.name, early.message]).toEqual(["AccessDenied", NOT_AUTHORIZED]);
      slow.advance(19_000);
      expect((await rejection(slow.assume("fresh"))).name).toBe("AccessDenied");
      slow.advance(1_000);
      const { iam } = slow.clients();
      await iam.send(
        new AttachRolePolicyCommand({ RoleName: "fresh", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }),
      );
      iam.destroy();
      expect((await slow.listBuckets(await slow.assume("fresh"))).status).toBe(200);
    } finally {
      await slow.stop();
    }
  });

  test("a value that is not a number of milliseconds fails the sandbox's start", async () => {
    const err = await rejection(startFederation({ [SANDBOX_ENV.rolePropagationMs]: "20s" }));
    expect(err.message).toContain(`${SANDBOX_ENV.rolePropagationMs}="20s" is not allowed`);
  });
});

describe("DeleteOpenIDConnectProvider", () => {
  test("on a provider that does not exist succeeds, as documented ('This operation is idempotent')", async () => {
    const { iam } = fed.clients();
    await iam.send(
      new DeleteOpenIDConnectProviderCommand({
        OpenIDConnectProviderArn: "arn:aws:iam::123456789012:oidc-provider/example.com/never-created",
      }),
    );
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: "https://example.com/twice", ThumbprintList: ["a".repeat(40)] }),
    );
    const arn = created.OpenIDConnectProviderArn ?? "";
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    const gone = await rejection(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })));
    iam.destroy();
    expect(gone.name).toBe("NoSuchEntityException");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { ClientSecretCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { RestError } from "@azure/core-rest-pipeline";
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from "jose";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { createAzureService, readAzureSandboxSecret, type AzureSandboxService } from "../../src/sandbox/azure/index.js";
import {
  SANDBOX_CLIENT_ID,
  SANDBOX_ENV,
  SANDBOX_SUBSCRIPTION_ID,
  SANDBOX_TENANT_ID,
} from "../../src/sandbox/constants.js";

const ARM_SCOPE = "https://management.azure.com/.default";
const previousCas = getCACertificates("default");
const dirs: string[] = [];
const sandboxes: RunningSandbox[] = [];

interface Cloud {
  sandbox: RunningSandbox;
  azure: AzureSandboxService;
  dir: string;
  arm: string;
  credential: ClientSecretCredential;
}

async function startCloud(env: Record<string, string>, now?: () => number, dir?: string): Promise<Cloud> {
  dir ??= await mkdtemp(join(tmpdir(), "azure-arm-"));
  if (!dirs.includes(dir)) dirs.push(dir);
  const azure = createAzureService();
  const sandbox = await startSandbox({ dir, services: [azure], env, ...(now ? { now } : {}) });
  sandboxes.push(sandbox);
  setDefaultCACertificates([...getCACertificates("default"), sandbox.caPem]);
  const { clientSecret } = await readAzureSandboxSecret(dir);
  const credential = new ClientSecretCredential(SANDBOX_TENANT_ID, SANDBOX_CLIENT_ID, clientSecret, {
    authorityHost: sandbox.endpoints.entra!,
    disableInstanceDiscovery: true,
  });
  return { sandbox, azure, dir, arm: sandbox.endpoints.arm!, credential };
}

afterAll(async () => {
  setDefaultCACertificates(previousCas);
  await Promise.all(sandboxes.map((s) => s.stop()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** The parts of ARM answers the tests read; `undefined` at run time when the body is empty. */
interface ArmJson {
  error: { code: string; message: string };
  name?: string;
  properties: { provisioningState?: string };
}

async function armFetch(
  url: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; headers: Headers; body: ArmJson }> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  if (init.body) headers.set("Content-Type", "application/json");
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as ArmJson };
}

async function restErrorOf(promise: Promise<unknown>): Promise<RestError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RestError);
  return err as RestError;
}

describe("Azure sandbox: ARM through the real SDKs (fast profile)", () => {
  let cloud: Cloud;
  let resources: ResourceManagementClient;
  let msi: ManagedServiceIdentityClient;

  beforeAll(async () => {
    cloud = await startCloud({});
    resources = new ResourceManagementClient(cloud.credential, SANDBOX_SUBSCRIPTION_ID, {
      endpoint: cloud.arm,
      credentials: { scopes: [ARM_SCOPE] },
    });
    msi = new ManagedServiceIdentityClient(cloud.credential, SANDBOX_SUBSCRIPTION_ID, {
      endpoint: cloud.arm,
      credentialScopes: [ARM_SCOPE],
    });
  });

  it("creates a resource group (201), updates its tags (200) and returns ARM's body shape", async () => {
    const statuses: number[] = [];
    const onResponse = (raw: { status: number }): void => void statuses.push(raw.status);
    const created = await resources.resourceGroups.createOrUpdate("rg-one", { location: "East US" }, { onResponse });
    expect(created).toMatchObject({
      id: `/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/resourceGroups/rg-one`,
      name: "rg-one",
      type: "Microsoft.Resources/resourceGroups",
      location: "eastus",
      properties: { provisioningState: "Succeeded" },
    });
    const updated = await resources.resourceGroups.createOrUpdate(
      "rg-one",
      { location: "eastus", tags: { owner: "bridge" } },
      { onResponse },
    );
    expect(updated.tags).toEqual({ owner: "bridge" });
    expect(statuses).toEqual([201, 200]);
    const fetched = await resources.resourceGroups.get("RG-ONE");
    expect(fetched.name).toBe("rg-one");
    expect(fetched.tags).toEqual({ owner: "bridge" });
    expect((await resources.resourceGroups.checkExistence("rg-one")).body).toBe(true);
  });

  it("answers a missing resource group with RestError ResourceGroupNotFound 404", async () => {
    const err = await restErrorOf(resources.resourceGroups.get("rg-missing"));
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe("ResourceGroupNotFound");
    expect(err.message).toBe("Resource group 'rg-missing' could not be found.");
    expect((await resources.resourceGroups.checkExistence("rg-missing")).body).toBe(false);
  });

  it("rejects a resource group name with invalid characters", async () => {
    const err = await restErrorOf(resources.resourceGroups.createOrUpdate("bad*name", { location: "eastus" }));
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe("InvalidResourceGroup");
  });

  it("refuses to move an existing resource group to another region, quoting the location as sent", async () => {
    const err = await restErrorOf(resources.resourceGroups.createOrUpdate("rg-one", { location: "West US" }));
    expect(err.statusCode).toBe(409);
    expect(err.code).toBe("InvalidResourceGroupLocation");
    expect(err.message).toBe(
      "Invalid resource group location 'West US'. The Resource group already exists in location 'eastus'.",
    );
  });

  it("creates an identity with principalId, clientId and tenantId, and keeps them on a second PUT", async () => {
    await resources.resourceGroups.createOrUpdate("rg-ids", { location: "eastus" });
    const first = await msi.userAssignedIdentities.createOrUpdate("rg-ids", "id-bridge", {
      location: "eastus",
      tags: { a: "1" },
    });
    expect(first).toMatchObject({
      id: `/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/resourcegroups/rg-ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-bridge`,
      name: "id-bridge",
      type: "Microsoft.ManagedIdentity/userAssignedIdentities",
      location: "eastus",
      tenantId: SANDBOX_TENANT_ID,
      tags: { a: "1" },
    });
    expect(first.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.clientId).toMatch(/^[0-9a-f-]{36}$/);
    const second = await msi.userAssignedIdentities.createOrUpdate("rg-ids", "id-bridge", {
      location: "eastus",
      tags: { b: "2" },
    });
    expect(second.principalId).toBe(first.principalId);
    expect(second.clientId).toBe(first.clientId);
    expect(second.tags).toEqual({ b: "2" });
    const got = await msi.userAssignedIdentities.get("rg-ids", "id-bridge");
    expect(got.principalId).toBe(first.principalId);
  });

  it("refuses to recreate an identity in another region with 409 InvalidResourceLocation", async () => {
    await msi.userAssignedIdentities.createOrUpdate("rg-ids", "id-placed", { location: "eastus" });
    const err = await restErrorOf(
      msi.userAssignedIdentities.createOrUpdate("rg-ids", "id-placed", { location: "westus" }),
    );
    expect(err.statusCode).toBe(409);
    expect(err.code).toBe("InvalidResourceLocation");
    expect(err.message).toContain(
      "The resource 'id-placed' already exists in location 'eastus' in resource group 'rg-ids'.",
    );
  });

  it("rejects an identity name that breaks the naming rules with InvalidResourceName", async () => {
    const err = await restErrorOf(msi.userAssignedIdentities.createOrUpdate("rg-ids", "-x", { location: "eastus" }));
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe("InvalidResourceName");
  });

  it("answers an identity in a missing group with ResourceGroupNotFound, a missing identity with ResourceNotFound", async () => {
    const noGroup = await restErrorOf(
      msi.userAssignedIdentities.createOrUpdate("rg-nowhere", "id-x", { location: "eastus" }),
    );
    expect(noGroup.code).toBe("ResourceGroupNotFound");
    const missing = await restErrorOf(msi.userAssignedIdentities.get("rg-ids", "id-missing"));
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe("ResourceNotFound");
    expect(missing.message).toContain(
      "'Microsoft.ManagedIdentity/userAssignedIdentities/id-missing' under resource group 'rg-ids'",
    );
  });

  it("deletes an identity with 200, and answers 204 when it is already gone", async () => {
    await msi.userAssignedIdentities.createOrUpdate("rg-ids", "id-gone", { location: "eastus" });
    const statuses: number[] = [];
    const onResponse = (raw: { status: number }): void => void statuses.push(raw.status);
    await msi.userAssignedIdentities.delete("rg-ids", "id-gone", { onResponse });
    await msi.userAssignedIdentities.delete("rg-ids", "id-gone", { onResponse });
    expect(statuses).toEqual([200, 204]);
  });

  it("deletes a resource group through the SDK poller, taking its identities with it", async () => {
    await resources.resourceGroups.createOrUpdate("rg-doomed", { location: "eastus" });
    await msi.userAssignedIdentities.createOrUpdate("rg-doomed", "id-doomed", { location: "eastus" });
    const started = Date.now();
    await resources.resourceGroups.delete("rg-doomed", { updateIntervalInMs: 50 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await restErrorOf(resources.resourceGroups.get("rg-doomed"))).code).toBe("ResourceGroupNotFound");
    // The group is gone, so ARM's front door answers for the identity too.
    expect((await restErrorOf(msi.userAssignedIdentities.get("rg-doomed", "id-doomed"))).code).toBe(
      "ResourceGroupNotFound",
    );
    await resources.resourceGroups.createOrUpdate("rg-doomed", { location: "eastus" });
    expect((await restErrorOf(msi.userAssignedIdentities.get("rg-doomed", "id-doomed"))).code).toBe("ResourceNotFound");
  });

  it("answers the deletion of a missing resource group with ResourceGroupNotFound", async () => {
    const err = await restErrorOf(Promise.resolve(resources.resourceGroups.delete("rg-never")));
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe("ResourceGroupNotFound");
  });

  describe("raw protocol", () => {
    let token: string;
    const rgUrl = (name: string, query = "?api-version=2025-04-01"): string =>
      `${cloud.arm}/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/resourcegroups/${name}${query}`;

    beforeAll(async () => {
      token = (await cloud.credential.getToken(ARM_SCOPE)).token;
    });

    it("answers a request without a token with 401 AuthenticationFailed and a challenge naming the tenant", async () => {
      const res = await armFetch(rgUrl("rg-one"));
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("AuthenticationFailed");
      expect(res.headers.get("www-authenticate")).toContain(
        `authorization_uri="${cloud.sandbox.endpoints.entra}/${SANDBOX_TENANT_ID}"`,
      );
    });

    it("answers a token signed by another key with 401 InvalidAuthenticationToken", async () => {
      const { privateKey } = await generateKeyPair("RS256");
      const forged = await new SignJWT(decodeJwt(token))
        .setProtectedHeader({ ...decodeProtectedHeader(token), alg: "RS256" })
        .sign(privateKey);
      const res = await armFetch(rgUrl("rg-one"), { token: forged });
      expect(res.status).toBe(401);
      expect(res.body.error).toEqual({ code: "InvalidAuthenticationToken", message: "The access token is invalid." });
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer authorization_uri=.*error="invalid_token"/);
    });

    it("answers a token for another audience with InvalidAuthenticationTokenAudience", async () => {
      const other = await cloud.azure.issueToken({ sub: "x", oid: "x", appid: "y", aud: "api://something-else" });
      const res = await armFetch(rgUrl("rg-one"), { token: other.accessToken });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("InvalidAuthenticationTokenAudience");
    });

    it("answers a token from another tenant with InvalidAuthenticationTokenTenant", async () => {
      const other = await cloud.azure.issueToken({
        sub: "x",
        oid: "x",
        appid: "y",
        aud: "https://management.azure.com/",
        extraClaims: { tid: "11111111-2222-3333-4444-555555555555" },
      });
      const res = await armFetch(rgUrl("rg-one"), { token: other.accessToken });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("InvalidAuthenticationTokenTenant");
    });

    it("requires api-version, before authentication as ARM does", async () => {
      const res = await armFetch(rgUrl("rg-one", ""));
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({
        code: "MissingApiVersionParameter",
        message: "The api-version query parameter (?api-version=) is required for all requests.",
      });
    });

    it("rejects unsupported api-versions the way ARM and resource providers do", async () => {
      const rg = await armFetch(rgUrl("rg-one", "?api-version=2099-01-01"), { token });
      expect(rg.status).toBe(400);
      expect(rg.body.error.code).toBe("InvalidApiVersionParameter");
      const identity = await armFetch(
        `${cloud.arm}/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/resourceGroups/rg-ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-bridge?api-version=2099-01-01`,
        { token },
      );
      expect(identity.status).toBe(400);
      expect(identity.body.error.code).toBe("NoRegisteredProviderFound");
      expect(identity.body.error.message).toContain("for type 'userAssignedIdentities'");
    });

    it("matches paths case-insensitively and sends ARM's request ids and rate-limit headers", async () => {
      const res = await armFetch(
        `${cloud.arm}/SUBSCRIPTIONS/${SANDBOX_SUBSCRIPTION_ID}/resourceGroups/RG-ONE?api-version=2025-04-01`,
        { token, headers: { "x-ms-correlation-request-id": "corr-1" } },
      );
      expect(res.status).toBe(200);
      expect(res.body.name).toBe("rg-one");
      // ARM answers resource-group calls itself: its request id is the correlation id.
      expect(res.headers.get("x-ms-request-id")).toBe("corr-1");
      expect(res.headers.get("x-ms-correlation-request-id")).toBe("corr-1");
      expect(Number(res.headers.get("x-ms-ratelimit-remaining-subscription-reads"))).toBeGreaterThan(0);
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    });

    it("answers an unknown subscription with SubscriptionNotFound and an unknown type with InvalidResourceType", async () => {
      const sub = await armFetch(
        `${cloud.arm}/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/x?api-version=2025-04-01`,
        { token },
      );
      expect(sub.status).toBe(404);
      expect(sub.body.error.code).toBe("SubscriptionNotFound");
      const type = await armFetch(
        `${cloud.arm}/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/resourceGroups/rg-one/providers/Microsoft.ManagedIdentity/unicorns/x?api-version=2024-11-30`,
        { token },
      );
      expect(type.status).toBe(404);
      expect(type.body.error.code).toBe("InvalidResourceType");
    });

    it("puts the DELETE's own api-version in the resource group deletion's poll URL", async () => {
      const created = await armFetch(rgUrl("rg-old-client", "?api-version=2021-04-01"), {
        method: "PUT",
        token,
        body: JSON.stringify({ location: "eastus" }),
      });
      expect(created.status).toBe(201);
      const accepted = await armFetch(rgUrl("rg-old-client", "?api-version=2021-04-01"), { method: "DELETE", token });
      expect(accepted.status).toBe(202);
      expect(accepted.headers.get("location")).toMatch(/\/operationresults\/[A-Za-z0-9_-]+\?api-version=2021-04-01$/);
      expect(accepted.headers.get("x-ms-ratelimit-remaining-subscription-deletes")).not.toBeNull();
      const polled = await armFetch(accepted.headers.get("location")!, { token });
      expect(polled.headers.get("location")).toBe(accepted.headers.get("location"));
    });

    it("shapes injected faults as ARM and Entra do", () => {
      const arm = cloud.azure.faultResponse("arm", 429, 7);
      expect(arm.status).toBe(429);
      expect((arm.body as ArmJson).error.code).toBe("SubscriptionRequestsThrottled");
      expect(arm.headers?.["Retry-After"]).toBe("7");
      expect((cloud.azure.faultResponse("arm", 500, 1).body as ArmJson).error.code).toBe("InternalServerError");
      const entra = cloud.azure.faultResponse("entra", 503, 1);
      expect(entra.status).toBe(503);
      expect((entra.body as { error: string }).error).toBe("temporarily_unavailable");
    });
  });
});

describe("Azure sandbox: ARM throttling", () => {
  it("answers reads past the subscription's bucket with 429 naming the caller as actor, and Retry-After", async () => {
    // A stopped clock: the bucket cannot refill while the requests are in flight.
    const frozen = Date.now();
    const cloud = await startCloud({}, () => frozen);
    const { token } = await cloud.credential.getToken(ARM_SCOPE);
    const oid = decodeJwt(token).oid as string;
    const url = `${cloud.arm}/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/resourcegroups/rg-none?api-version=2025-04-01`;
    // The read bucket holds 250.
    const answers = await Promise.all(Array.from({ length: 260 }, () => armFetch(url, { token })));
    const throttled = answers.filter((a) => a.status === 429);
    expect(throttled.length).toBe(10);
    const [first] = throttled;
    expect(first!.body.error.code).toBe("SubscriptionRequestsThrottled");
    expect(first!.body.error.message).toMatch(
      new RegExp(
        `^Number of 'read' requests for subscription '${SANDBOX_SUBSCRIPTION_ID}' actor '${oid}' exceeded\\. Please try again ` +
          "after '\\d+' seconds after additional tokens are available\\. Refer to https://aka\\.ms/arm-throttling for additional information\\.$",
      ),
    );
    expect(Number(first!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});

describe("Azure sandbox: ARM over time (realistic profile, shifted clock)", () => {
  let cloud: Cloud;
  let offset = 0;
  let token: string;
  const now = (): number => Date.now() + offset;

  beforeAll(async () => {
    cloud = await startCloud({ [SANDBOX_ENV.profile]: "realistic", [SANDBOX_ENV.latencyScale]: "0.1" }, now);
    token = (await cloud.credential.getToken(ARM_SCOPE)).token;
  });

  it("runs a resource group deletion as an LRO: 202 with Location while running, then 200 with an empty body", async () => {
    const rg = `${cloud.arm}/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/resourcegroups/rg-slow?api-version=2025-04-01`;
    expect(
      (await armFetch(rg, { method: "PUT", token, body: JSON.stringify({ location: "westeurope" }) })).status,
    ).toBe(201);
    const identity = `${cloud.arm}/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/resourceGroups/rg-slow/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-slow?api-version=2024-11-30`;
    expect(
      (await armFetch(identity, { method: "PUT", token, body: JSON.stringify({ location: "westeurope" }) })).status,
    ).toBe(201);

    const accepted = await armFetch(rg, { method: "DELETE", token });
    expect(accepted.status).toBe(202);
    const location = accepted.headers.get("location")!;
    // ARM echoes the DELETE's api-version in the poll URL (not the spec example's 2018-08-01), and
    // the job id names the group and its region.
    expect(location).toMatch(
      new RegExp(
        `^${cloud.arm}/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/operationresults/[A-Za-z0-9_-]+\\?api-version=2025-04-01$`,
      ),
    );
    const job = new URL(location).pathname.split("/").at(-1)!;
    expect(JSON.parse(Buffer.from(job, "base64url").toString("utf8"))).toEqual({
      jobId: "RESOURCEGROUPDELETIONJOB-RG-SLOW-WESTEUROPE",
      jobLocation: "westeurope",
    });
    expect(Number(accepted.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

    const running = await armFetch(location, { token });
    expect(running.status).toBe(202);
    expect(running.headers.get("location")).toBe(location);
    expect((await armFetch(rg, { token })).body.properties.provisioningState).toBe("Deleting");
    const putWhileDeleting = await armFetch(rg, {
      method: "PUT",
      token,
      body: JSON.stringify({ location: "westeurope" }),
    });
    expect(putWhileDeleting.status).toBe(409);
    expect(putWhileDeleting.body.error.code).toBe("ResourceGroupBeingDeleted");
    // The front door refuses every write into the group, an identity's PATCH included.
    const patchWhileDeleting = await armFetch(identity, {
      method: "PATCH",
      token,
      body: JSON.stringify({ tags: { a: "b" } }),
    });
    expect(patchWhileDeleting.status).toBe(409);
    expect(patchWhileDeleting.body.error.code).toBe("ResourceGroupBeingDeleted");

    offset += 5_000;
    const done = await armFetch(location, { token });
    expect(done.status).toBe(200);
    expect(done.body).toBeUndefined();
    expect(done.headers.get("location")).toBeNull();
    expect((await armFetch(rg, { token })).status).toBe(404);
  });

  it("answers an expired token with 401 ExpiredAuthenticationToken", async () => {
    offset += 2 * 3600_000;
    const res = await armFetch(
      `${cloud.arm}/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/resourcegroups?api-version=2025-04-01`,
      { token },
    );
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("ExpiredAuthenticationToken");
    expect(res.body.error.message).toMatch(
      /^The access token expiry UTC time '\d+\/\d+\/\d{4} \d+:\d\d:\d\d [AP]M' is earlier than current UTC time/,
    );
  });

  it("keeps resources, secret and keys across a restart and finishes deletions left running", async () => {
    token = (await cloud.azure.issueToken({ sub: "o", oid: "o", appid: "a", aud: "https://management.azure.com/" }))
      .accessToken;
    const base = `${cloud.arm}/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/resourcegroups`;
    await armFetch(`${base}/rg-kept?api-version=2025-04-01`, {
      method: "PUT",
      token,
      body: JSON.stringify({ location: "eastus" }),
    });
    await armFetch(`${base}/rg-half?api-version=2025-04-01`, {
      method: "PUT",
      token,
      body: JSON.stringify({ location: "eastus" }),
    });
    expect((await armFetch(`${base}/rg-half?api-version=2025-04-01`, { method: "DELETE", token })).status).toBe(202);
    const secretBefore = (await readAzureSandboxSecret(cloud.dir)).clientSecret;

    await cloud.sandbox.stop();
    const again = await startCloud(
      { [SANDBOX_ENV.profile]: "realistic", [SANDBOX_ENV.latencyScale]: "0.1" },
      now,
      cloud.dir,
    );
    expect(again.arm).toBe(cloud.arm);
    expect((await readAzureSandboxSecret(cloud.dir)).clientSecret).toBe(secretBefore);
    // A token signed before the restart still verifies: the keys persisted.
    expect((await armFetch(`${base}/rg-kept?api-version=2025-04-01`, { token })).status).toBe(200);
    expect((await armFetch(`${base}/rg-half?api-version=2025-04-01`, { token })).status).toBe(404);
  });
});

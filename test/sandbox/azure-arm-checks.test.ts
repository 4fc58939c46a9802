import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { SANDBOX_ENV, SANDBOX_SUBSCRIPTION_ID } from "../../src/sandbox/constants.js";
import { ARM_SCOPE, AzureClouds, armFetch, type AzureCloud } from "./azure-helpers.js";

/** Behaviour found missing by checks from outside: existence checks, group listings, fault headers, Deleting. */

const clouds = new AzureClouds();
afterAll(() => clouds.stopAll());

const SUB = SANDBOX_SUBSCRIPTION_ID;

describe("Azure sandbox: what outside checks rely on (fast profile)", () => {
  let cloud: AzureCloud;
  let resources: ResourceManagementClient;
  let msi: ManagedServiceIdentityClient;

  beforeAll(async () => {
    cloud = await clouds.start({});
    resources = new ResourceManagementClient(cloud.credential, SUB, {
      endpoint: cloud.arm,
      credentials: { scopes: [ARM_SCOPE] },
    });
    msi = new ManagedServiceIdentityClient(cloud.credential, SUB, {
      endpoint: cloud.arm,
      credentialScopes: [ARM_SCOPE],
    });
  });

  it("answers HEAD on a managed identity with 204 or 404, so checkExistenceById says true or false", async () => {
    await resources.resourceGroups.createOrUpdate("rg-head", { location: "eastus" });
    const identity = await msi.userAssignedIdentities.createOrUpdate("rg-head", "id-here", { location: "eastus" });
    expect((await resources.resources.checkExistenceById(identity.id!, "2024-11-30")).body).toBe(true);
    const missing = identity.id!.replace("id-here", "id-not-here");
    expect((await resources.resources.checkExistenceById(missing, "2024-11-30")).body).toBe(false);
  });

  it("lists a group's top-level resources in ARM's generic shape, and only that group's", async () => {
    await resources.resourceGroups.createOrUpdate("rg-list", { location: "westeurope" });
    await resources.resourceGroups.createOrUpdate("rg-other", { location: "westeurope" });
    await msi.userAssignedIdentities.createOrUpdate("rg-list", "id-a", { location: "westeurope", tags: { k: "v" } });
    await msi.userAssignedIdentities.createOrUpdate("rg-list", "id-b", { location: "westeurope" });
    await msi.userAssignedIdentities.createOrUpdate("rg-other", "id-c", { location: "westeurope" });

    const listed = [];
    for await (const r of resources.resources.listByResourceGroup("rg-list")) listed.push(r);
    expect(listed.map((r) => r.name).sort()).toEqual(["id-a", "id-b"]);
    expect(listed.find((r) => r.name === "id-a")).toMatchObject({
      id: `/subscriptions/${SUB}/resourcegroups/rg-list/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a`,
      type: "Microsoft.ManagedIdentity/userAssignedIdentities",
      location: "westeurope",
      tags: { k: "v" },
    });

    const filtered = [];
    for await (const r of resources.resources.listByResourceGroup("rg-list", { filter: "name eq 'id-b'" })) {
      filtered.push(r.name);
    }
    expect(filtered).toEqual(["id-b"]);
  });

  it("lets the SDK's delete poller finish a group's deletion", async () => {
    await resources.resourceGroups.createOrUpdate("rg-sdk-delete", { location: "eastus" });
    await resources.resourceGroups.delete("rg-sdk-delete");
    expect((await resources.resourceGroups.checkExistence("rg-sdk-delete")).body).toBe(false);
  });

  it("gives ARM's request and correlation ids to a fault built for a request, the request id being the correlation id", () => {
    const fault = cloud.azure.faultResponse("arm", 503, 2, { headers: { "x-ms-correlation-request-id": "corr-9" } });
    expect(fault.status).toBe(503);
    expect(fault.headers?.["x-ms-correlation-request-id"]).toBe("corr-9");
    expect(fault.headers?.["x-ms-request-id"]).toBe("corr-9");
    expect(fault.headers?.["x-ms-routing-request-id"]).toMatch(/^EASTUS:\d{8}T\d{6}Z:corr-9$/);
  });
});

describe("Azure sandbox: a resource group being deleted (fast profile, stopped clock)", () => {
  let cloud: AzureCloud;
  const frozen = Date.now();
  let offset = 0;

  beforeAll(async () => {
    cloud = await clouds.start({}, () => frozen + offset);
  });

  it("shows a group being deleted as Deleting for a moment, answering Retry-After: 15 up front and what is left on polls", async () => {
    const { token } = await cloud.credential.getToken(ARM_SCOPE);
    const rg = `${cloud.arm}/subscriptions/${SUB}/resourcegroups/rg-moment?api-version=2025-04-01`;
    const put = (): Promise<Awaited<ReturnType<typeof armFetch>>> =>
      armFetch(rg, { method: "PUT", token, body: JSON.stringify({ location: "eastus" }) });
    expect((await put()).status).toBe(201);

    const accepted = await armFetch(rg, { method: "DELETE", token });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get("retry-after")).toBe("15");
    const location = accepted.headers.get("location")!;

    const seen = await armFetch(rg, { token });
    expect(seen.status).toBe(200);
    expect(seen.body.properties.provisioningState).toBe("Deleting");
    const again = await put();
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ResourceGroupBeingDeleted");
    const twice = await armFetch(rg, { method: "DELETE", token });
    expect(twice.status).toBe(202);
    expect(twice.headers.get("location")).toBe(location);

    const running = await armFetch(location, { token });
    expect(running.status).toBe(202);
    // What is left, rounded up: the SDK's poller comes back after a second, not fifteen.
    expect(running.headers.get("retry-after")).toBe("1");

    offset += 1_000;
    expect((await armFetch(location, { token })).status).toBe(200);
    expect((await armFetch(rg, { token })).status).toBe(404);
  });
});

describe("Azure sandbox: injected faults on ARM", () => {
  it("carry ARM's standard headers, with x-ms-request-id equal to x-ms-correlation-request-id", async () => {
    const cloud = await clouds.start({
      [SANDBOX_ENV.faultRate]: "1",
      [SANDBOX_ENV.faultServices]: "arm",
      [SANDBOX_ENV.faultStatus]: "429",
      [SANDBOX_ENV.faultRetryAfter]: "3",
    });
    const { token } = await cloud.credential.getToken(ARM_SCOPE);
    const res = await armFetch(`${cloud.arm}/subscriptions/${SUB}/resourcegroups/rg-x?api-version=2025-04-01`, {
      token,
    });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe("SubscriptionRequestsThrottled");
    expect(res.headers.get("retry-after")).toBe("3");
    const correlation = res.headers.get("x-ms-correlation-request-id");
    expect(correlation).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-ms-request-id")).toBe(correlation);
    expect(res.headers.get("cache-control")).toBe("no-cache");
  });
});

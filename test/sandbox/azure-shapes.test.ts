import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_SUBSCRIPTION_ID, SANDBOX_TENANT_ID } from "../../src/sandbox/constants.js";
import {
  ARM_SCOPE,
  AzureClouds,
  armFetch,
  exampleBody,
  exampleRequest,
  fixture,
  keyPaths,
  type AzureCloud,
} from "./azure-helpers.js";

/**
 * The sandbox's bodies have the members of Azure's own (test/fixtures/azure): the same paths, plus
 * only the extras listed here with the reason real answers carry them.
 */

const clouds = new AzureClouds();
afterAll(() => clouds.stopAll());

let cloud: AzureCloud;
let token: string;
const SUB = SANDBOX_SUBSCRIPTION_ID;

beforeAll(async () => {
  cloud = await clouds.start({});
  token = (await cloud.credential.getToken(ARM_SCOPE)).token;
});

const arm = (path: string): string => `${cloud.arm}/subscriptions/${SUB}${path}`;
const json = (value: unknown): string => JSON.stringify(value);

describe("Azure sandbox bodies against Azure's (resource groups and identities)", () => {
  it("answers a resource group PUT and GET with the members of rg-create.json and rg-get.json", async () => {
    const url = arm("/resourcegroups/rg-shape?api-version=2025-04-01");
    const created = await armFetch(url, { method: "PUT", token, body: await exampleRequest("rg-create.json") });
    expect(created.status).toBe(201);
    // The spec example omits `type`, which real answers (and the GET example) carry.
    expect(keyPaths(created.body)).toEqual([...keyPaths(await exampleBody("rg-create.json", "201")), "type"].sort());
    const fetched = await armFetch(url, { token });
    expect(keyPaths(fetched.body)).toEqual(keyPaths(await exampleBody("rg-get.json", "200")));
  });

  it("answers a resource group DELETE with 202 and an operationresults Location, then 200 with no body, as rg-delete.json", async () => {
    const url = arm("/resourcegroups/rg-shape-gone?api-version=2025-04-01");
    await armFetch(url, { method: "PUT", token, body: json({ location: "eastus" }) });
    const example = await fixture<{ responses: { "202": { headers: { location: string } } } }>("rg-delete.json");
    const accepted = await armFetch(url, { method: "DELETE", token });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toBeUndefined();
    const path = (u: string): string =>
      new URL(u).pathname.replace(/[^/]+$/, "<id>").replace(/\/subscriptions\/[^/]+/, "");
    expect(path(accepted.headers.get("location")!)).toBe(path(example.responses["202"].headers.location));
  });

  it("answers an identity PUT and GET with the members of identity-create.json and identity-get.json", async () => {
    await armFetch(arm("/resourcegroups/rg-shape-id?api-version=2025-04-01"), {
      method: "PUT",
      token,
      body: json({ location: "eastus" }),
    });
    const url = arm(
      "/resourceGroups/rg-shape-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shape?api-version=2024-11-30",
    );
    const created = await armFetch(url, { method: "PUT", token, body: await exampleRequest("identity-create.json") });
    expect(created.status).toBe(201);
    expect(keyPaths(created.body)).toEqual(keyPaths(await exampleBody("identity-create.json", "201")));
    const fetched = await armFetch(url, { token });
    expect(keyPaths(fetched.body)).toEqual(keyPaths(await exampleBody("identity-get.json", "200")));
    const deleted = await armFetch(url, { method: "DELETE", token });
    const example = await fixture<{ responses: Record<string, unknown> }>("identity-delete.json");
    expect(Object.keys(example.responses)).toContain(String(deleted.status));
  });
});

describe("Azure sandbox bodies against Entra's", () => {
  it("publishes the tenant v1 document with the members of Entra's, issuer on the issuer host", async () => {
    const entra = cloud.sandbox.endpoints.entra!;
    const res = await fetch(`${entra}/${SANDBOX_TENANT_ID}/.well-known/openid-configuration`);
    const body = (await res.json()) as Record<string, unknown>;
    const example = await fixture<{ body: Record<string, unknown> }>("openid-configuration.tenant-v1.example.json");
    expect(keyPaths(body)).toEqual(keyPaths(example.body));
    expect(body.issuer).toBe(`${cloud.sandbox.endpoints["entra-sts"]}/${SANDBOX_TENANT_ID}/`);
    // The same relation between hosts as the real documents: keys on the sign-in host, at /common.
    const real = await fixture("openid-configuration.common-v1.real.json");
    expect(new URL(String(real.jwks_uri)).pathname).toBe(new URL(String(body.jwks_uri)).pathname);
    expect(keyPaths(real)).toEqual(keyPaths(body));
  });

  it("publishes the common v2 document with the members of Entra's", async () => {
    const res = await fetch(`${cloud.sandbox.endpoints.entra}/common/v2.0/.well-known/openid-configuration`);
    expect(keyPaths(await res.json())).toEqual(keyPaths(await fixture("openid-configuration.common-v2.real.json")));
  });

  it("publishes v1 and v2 key sets with the members of Entra's, several keys each", async () => {
    const entra = cloud.sandbox.endpoints.entra!;
    const v1 = (await (await fetch(`${entra}/common/discovery/keys`)).json()) as { keys: unknown[] };
    expect(keyPaths(v1)).toEqual(keyPaths(await fixture("jwks.common-v1.real.json")));
    expect(v1.keys.length).toBeGreaterThan(1);
    const v2 = (await (await fetch(`${entra}/common/discovery/v2.0/keys`)).json()) as { keys: unknown[] };
    expect(keyPaths(v2)).toEqual(keyPaths(await fixture("jwks.common-v2.real.json")));
  });
});

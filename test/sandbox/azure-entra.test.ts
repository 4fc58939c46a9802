import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createHash, X509Certificate } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, getCACertificates, setDefaultCACertificates } from "node:tls";
import { ClientSecretCredential } from "@azure/identity";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { createAzureService, readAzureSandboxSecret, type AzureSandboxService } from "../../src/sandbox/azure/index.js";
import {
  SANDBOX_AUDIENCE_APP_CLIENT_ID,
  SANDBOX_AUDIENCE_APP_ID_URI,
  SANDBOX_CLIENT_ID,
  SANDBOX_TENANT_ID,
} from "../../src/sandbox/constants.js";

let dir: string;
let sandbox: RunningSandbox;
let azure: AzureSandboxService;
let entra: string;
let issuerHost: string;
let secret: string;
const previousCas = getCACertificates("default");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "azure-entra-"));
  azure = createAzureService();
  sandbox = await startSandbox({ dir, services: [azure], env: {} });
  setDefaultCACertificates([...previousCas, sandbox.caPem]);
  entra = sandbox.endpoints.entra!;
  issuerHost = sandbox.endpoints["entra-sts"]!;
  secret = (await readAzureSandboxSecret(dir)).clientSecret;
});

afterAll(async () => {
  setDefaultCACertificates(previousCas);
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

function credential(clientSecret = secret, clientId = SANDBOX_CLIENT_ID): ClientSecretCredential {
  return new ClientSecretCredential(SANDBOX_TENANT_ID, clientId, clientSecret, {
    authorityHost: entra,
    disableInstanceDiscovery: true,
  });
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function postForm(
  url: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: "POST", body: new URLSearchParams(form) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("Azure sandbox: Entra discovery", () => {
  it("publishes a v1 document whose issuer is on the issuer host (sts.windows.net) and whose keys and token endpoint are on the sign-in host", async () => {
    const { status, body } = await getJson(`${entra}/${SANDBOX_TENANT_ID}/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(body.issuer).toBe(`${issuerHost}/${SANDBOX_TENANT_ID}/`);
    expect(new URL(String(body.issuer)).port).not.toBe(new URL(entra).port);
    expect(body.jwks_uri).toBe(`${entra}/common/discovery/keys`);
    expect(body.token_endpoint).toBe(`${entra}/${SANDBOX_TENANT_ID}/oauth2/token`);
    expect(body.id_token_signing_alg_values_supported).toEqual(["RS256"]);
    expect(body).toHaveProperty("microsoft_multi_refresh_token", true);
  });

  it("serves the same v1 document on the issuer host, at the issuer URL plus .well-known/openid-configuration", async () => {
    const fromLogin = await getJson(`${entra}/${SANDBOX_TENANT_ID}/.well-known/openid-configuration`);
    const issuer = String(fromLogin.body.issuer);
    const fromIssuer = await getJson(`${issuer}.well-known/openid-configuration`);
    expect(fromIssuer.status).toBe(200);
    expect(fromIssuer.body).toEqual(fromLogin.body);
    // As sts.windows.net's: everything but the issuer points at the sign-in host.
    expect(new URL(String(fromIssuer.body.jwks_uri)).origin).toBe(entra);
    expect(new URL(String(fromIssuer.body.token_endpoint)).origin).toBe(entra);
  });

  it("serves neither keys nor tokens on the issuer host", async () => {
    expect((await fetch(`${issuerHost}/common/discovery/keys`)).status).toBe(404);
    const token = await fetch(`${issuerHost}/${SANDBOX_TENANT_ID}/oauth2/v2.0/token`, { method: "POST" });
    expect(token.status).toBe(404);
  });

  it("presents different intermediate certificates on the issuer host and the key host", async () => {
    const intermediate = (url: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port: Number(new URL(url).port), servername: "localhost" }, () => {
          const fingerprint = socket.getPeerCertificate(true).issuerCertificate.fingerprint256;
          socket.end();
          resolve(fingerprint);
        });
        socket.on("error", reject);
      });
    expect(await intermediate(issuerHost)).not.toBe(await intermediate(entra));
  });

  it("publishes a v2 document with the v2 issuer and a v2.0 key URL on the authority host itself", async () => {
    const res = await fetch(`${entra}/${SANDBOX_TENANT_ID}/v2.0/.well-known/openid-configuration`);
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(body.issuer).toBe(`${entra}/${SANDBOX_TENANT_ID}/v2.0`);
    // Real v2 documents name https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys: same
    // host as the document, unlike v1's login.windows.net.
    expect(body.jwks_uri).toBe(`${entra}/${SANDBOX_TENANT_ID}/discovery/v2.0/keys`);
    expect(body.token_endpoint).toBe(`${entra}/${SANDBOX_TENANT_ID}/oauth2/v2.0/token`);
    expect(body.authorization_endpoint).toBe(`${entra}/${SANDBOX_TENANT_ID}/oauth2/v2.0/authorize`);
    expect(res.headers.get("cache-control")).toBe("max-age=86400, private");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, OPTIONS");
    const keys = await getJson(String(body.jwks_uri));
    expect(keys.status).toBe(200);
    expect((keys.body.keys as unknown[]).length).toBeGreaterThan(0);
  });

  it("serves the common document with the {tenantid} issuer template, as Entra does", async () => {
    const { status, body } = await getJson(`${entra}/common/v2.0/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(body.issuer).toBe(`${entra}/{tenantid}/v2.0`);
  });

  it("answers an unknown tenant with 400 AADSTS90002 in Entra's error shape", async () => {
    const other = "11111111-2222-3333-4444-555555555555";
    const { status, body } = await getJson(`${entra}/${other}/v2.0/.well-known/openid-configuration`);
    expect(status).toBe(400);
    expect(body.error).toBe("invalid_tenant");
    expect(body.error_codes).toEqual([90002]);
    expect(String(body.error_description)).toMatch(new RegExp(`^AADSTS90002: Tenant '${other}' not found\\.`));
    expect(body).toHaveProperty("trace_id");
    expect(body).toHaveProperty("correlation_id");
  });

  it("answers the token endpoint of an unknown tenant with AADSTS90002 as invalid_request, as Entra's token endpoint does", async () => {
    const other = "11111111-2222-3333-4444-555555555555";
    const { status, body } = await postForm(`${entra}/${other}/oauth2/v2.0/token`, {
      grant_type: "client_credentials",
      client_id: SANDBOX_CLIENT_ID,
      client_secret: secret,
      scope: "https://management.azure.com/.default",
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_request", error_codes: [90002] });
  });

  it("publishes several keys with kid, x5t, n, e and x5c, where x5t is the SHA-1 of the certificate", async () => {
    const { status, body } = await getJson(`${entra}/common/discovery/keys`);
    expect(status).toBe(200);
    const keys = body.keys as Array<Record<string, unknown>>;
    // Entra's key set always holds more than the signing key (the next one is announced ahead).
    expect(keys.length).toBeGreaterThan(1);
    expect(new Set(keys.map((k) => k.kid)).size).toBe(keys.length);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: "RSA", use: "sig" });
      expect(typeof key.n).toBe("string");
      expect(key.e).toBe("AQAB");
      expect(key.kid).toBe(key.x5t);
      const der = Buffer.from((key.x5c as string[])[0]!, "base64");
      expect(createHash("sha1").update(der).digest("base64url")).toBe(key.x5t);
      const cert = new X509Certificate(der);
      expect(cert.subject).toContain("accounts.accesscontrol.windows.net");
      expect(cert.publicKey.export({ format: "jwk" }).n).toBe(key.n);
    }
  });

  it("adds the v2 issuer to every key of the v2 key set", async () => {
    const { body } = await getJson(`${entra}/${SANDBOX_TENANT_ID}/discovery/v2.0/keys`);
    for (const key of body.keys as Array<Record<string, unknown>>)
      expect(key.issuer).toBe(`${entra}/${SANDBOX_TENANT_ID}/v2.0`);
  });
});

describe("Azure sandbox: Entra token endpoint", () => {
  it("gives ClientSecretCredential a v1 token that verifies against the published keys", async () => {
    const token = await credential().getToken("https://management.azure.com/.default");
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 50 * 60_000);
    const jwks = createRemoteJWKSet(new URL(`${entra}/common/discovery/keys`));
    const { payload, protectedHeader } = await jwtVerify(token.token, jwks, {
      issuer: `${issuerHost}/${SANDBOX_TENANT_ID}/`,
      audience: "https://management.azure.com",
      algorithms: ["RS256"],
    });
    expect(protectedHeader.kid).toBe(protectedHeader.x5t);
    expect(payload).toMatchObject({ tid: SANDBOX_TENANT_ID, appid: SANDBOX_CLIENT_ID, ver: "1.0", idtyp: "app" });
    expect(payload.sub).toBe(payload.oid);
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it("issues app tokens with the claim set of real v1 tokens (mi-access-token.decoded.real.json minus the MI-only claims)", async () => {
    const token = await credential().getToken("https://management.azure.com/.default");
    const payload = decodeJwt(token.token);
    expect(Object.keys(payload).sort()).toEqual([
      "aio",
      "appid",
      "appidacr",
      "aud",
      "exp",
      "iat",
      "idp",
      "idtyp",
      "iss",
      "nbf",
      "oid",
      "rh",
      "sub",
      "tid",
      "uti",
      "ver",
      "xms_tcdt",
    ]);
    // A client secret is appidacr "1"; the tenant's creation time is a number, as in current tokens.
    expect(payload.appidacr).toBe("1");
    expect(typeof payload.xms_tcdt).toBe("number");
    expect(payload.idp).toBe(payload.iss);
  });

  it("keeps the resource exactly as asked, trailing slash included", async () => {
    const token = await credential().getToken("https://management.core.windows.net//.default");
    const claims = JSON.parse(Buffer.from(token.token.split(".")[1]!, "base64url").toString("utf8")) as { aud: string };
    expect(claims.aud).toBe("https://management.core.windows.net/");
  });

  it("answers the v1 endpoint with string numbers and the resource, and Entra's no-cache headers", async () => {
    const res = await fetch(`${entra}/${SANDBOX_TENANT_ID}/oauth2/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: SANDBOX_CLIENT_ID,
        client_secret: secret,
        resource: "https://management.azure.com/",
      }),
    });
    const { status } = res;
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.headers.get("cache-control")).toBe("no-store, no-cache");
    expect(res.headers.get("expires")).toBe("-1");
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", resource: "https://management.azure.com/" });
    expect(typeof body.expires_in).toBe("string");
    expect(typeof body.expires_on).toBe("string");
  });

  it("rejects a wrong secret with 401 invalid_client AADSTS7000215, which the credential surfaces", async () => {
    await expect(credential("not-the-secret").getToken("https://management.azure.com/.default")).rejects.toThrow(
      /AADSTS7000215/,
    );
    const { status, body } = await postForm(`${entra}/${SANDBOX_TENANT_ID}/oauth2/v2.0/token`, {
      grant_type: "client_credentials",
      client_id: SANDBOX_CLIENT_ID,
      client_secret: "wrong",
      scope: "https://management.azure.com/.default",
    });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
  });

  it("rejects an unknown client with 400 unauthorized_client AADSTS700016", async () => {
    const { status, body } = await postForm(`${entra}/${SANDBOX_TENANT_ID}/oauth2/v2.0/token`, {
      grant_type: "client_credentials",
      client_id: "99999999-8888-7777-6666-555555555555",
      client_secret: secret,
      scope: "https://management.azure.com/.default",
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "unauthorized_client", error_codes: [700016] });
  });

  it("issues a v1 token for the dedicated audience app, by its application ID URI or its client id", async () => {
    const byUri = await credential().getToken(`${SANDBOX_AUDIENCE_APP_ID_URI}/.default`);
    expect(decodeJwt(byUri.token)).toMatchObject({ aud: SANDBOX_AUDIENCE_APP_ID_URI, ver: "1.0" });
    const { status, body } = await postForm(`${entra}/${SANDBOX_TENANT_ID}/oauth2/token`, {
      grant_type: "client_credentials",
      client_id: SANDBOX_CLIENT_ID,
      client_secret: secret,
      resource: `api://${SANDBOX_AUDIENCE_APP_CLIENT_ID}`,
    });
    expect(status).toBe(200);
    expect(decodeJwt((body as { access_token: string }).access_token).aud).toBe(
      `api://${SANDBOX_AUDIENCE_APP_CLIENT_ID}`,
    );
  });

  it("refuses a token for a resource the tenant does not have with 400 invalid_resource AADSTS500011", async () => {
    await expect(credential().getToken("api://no-such-app/.default")).rejects.toThrow(/AADSTS500011/);
    const { status, body } = await postForm(`${entra}/${SANDBOX_TENANT_ID}/oauth2/token`, {
      grant_type: "client_credentials",
      client_id: SANDBOX_CLIENT_ID,
      client_secret: secret,
      resource: "https://unknown.example.com/",
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "invalid_resource", error_codes: [500011] });
    expect(String(body.error_description)).toMatch(
      /^AADSTS500011: The resource principal named https:\/\/unknown\.example\.com\/ was not found in the tenant named /,
    );
  });

  it("rejects a client-credentials scope without /.default with invalid_scope", async () => {
    const { status, body } = await postForm(`${entra}/${SANDBOX_TENANT_ID}/oauth2/v2.0/token`, {
      grant_type: "client_credentials",
      client_id: SANDBOX_CLIENT_ID,
      client_secret: secret,
      scope: "https://management.azure.com/user_impersonation",
    });
    expect(status).toBe(400);
    expect(body.error).toBe("invalid_scope");
  });
});

describe("Azure sandbox: signing keys and state", () => {
  it("keeps the client secret in azure.json, readable by its owner only", async () => {
    const info = await stat(join(dir, "azure.json"));
    expect(info.mode & 0o777).toBe(0o600);
    expect(secret).toMatch(/^[A-Za-z0-9]{3}[0-9]Q~[A-Za-z0-9~._-]{34}$/);
  });

  it("signs with the announced next key after a rotation, announces another and keeps the old kid published", async () => {
    const kidsNow = async (): Promise<string[]> =>
      ((await getJson(`${entra}/common/discovery/keys`)).body.keys as Array<{ kid: string }>).map((k) => k.kid);
    const before = await credential().getToken("https://management.azure.com/.default");
    const oldKid = decodeProtectedHeader(before.token).kid!;
    const published = await kidsNow();
    expect(published[0]).toBe(oldKid);
    const announced = published[1];
    const { previousKid, newKid } = await azure.rotateSigningKeys();
    expect(previousKid).toBe(oldKid);
    expect(newKid).toBe(announced);

    const kids = await kidsNow();
    expect(kids[0]).toBe(newKid);
    expect(kids).toContain(oldKid);
    expect(kids).toHaveLength(3);
    expect(kids.filter((k) => k !== newKid && k !== oldKid)).toHaveLength(1);

    const fresh = await azure.issueToken({ sub: "s", oid: "s", appid: "a", aud: "api://x" });
    expect(decodeProtectedHeader(fresh.accessToken).kid).toBe(newKid);
    // A token signed before the rotation still verifies.
    const jwks = createRemoteJWKSet(new URL(`${entra}/common/discovery/keys`));
    await expect(jwtVerify(before.token, jwks)).resolves.toBeTruthy();
  });
});

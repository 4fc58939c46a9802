import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import type { NodeSSH } from "node-ssh";
import { launchSandbox } from "../../src/sandbox/launch.js";
import type { SandboxHandle } from "../../src/sandbox/handle.js";
import {
  CHECKIP_LISTENER,
  SANDBOX_AUDIENCE_APP_ID_URI,
  SANDBOX_TENANT_ID,
  vmImdsListenerName,
  vmSshListenerName,
} from "../../src/sandbox/constants.js";
import { ed25519Pair, type KeyPair } from "../helpers/vm-fixture.js";
import { tempDir } from "../helpers/temp-dir.js";
import { rejection } from "../helpers/rejection.js";
import {
  ADMIN,
  buildVm,
  clientsFor,
  endpointWhen,
  portOf,
  sshTo,
  tcpConnect,
  type BuiltVm,
  type Clients,
} from "./vm-fleet-helpers.js";

/**
 * The sandbox VMs as the CLI meets them: ARM creates a VM through the real SDKs, its sshd appears
 * at `ssh@<public ip>` and its metadata service at `$IMDS_ENDPOINT` inside it; both go with the VM.
 */

const IMDS_QUERY = "metadata/identity/oauth2/token?api-version=2018-02-01";

let folder: { path: string; cleanup: () => Promise<void> };
let handle: SandboxHandle;
let c: Clients;
const sessions: NodeSSH[] = [];
const admin: KeyPair = ed25519Pair();

beforeAll(async () => {
  folder = await tempDir("oidc-bridge-fleet-");
  handle = await launchSandbox(folder.path, {});
  c = clientsFor(handle);
});

afterAll(async () => {
  for (const s of sessions) s.dispose();
  await handle?.close();
  await folder?.cleanup();
});

async function login(url: string, user = ADMIN, key = admin.private, hostKeys?: string[]): Promise<NodeSSH> {
  const ssh = await sshTo(url, user, key, hostKeys);
  sessions.push(ssh);
  return ssh;
}

/** Runs a command on the VM; stdout parsed as JSON. */
async function onVm<T>(ssh: NodeSSH, command: string): Promise<T> {
  const result = await ssh.execCommand(command);
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as T;
}

describe("sandbox VM: reached through ARM's public IP", () => {
  let built: BuiltVm;
  let sshUrl: string;

  beforeAll(async () => {
    built = await buildVm(c, "rg-fleet", admin);
    sshUrl = (await endpointWhen(handle, vmSshListenerName(built.publicIp), true))!;
  });

  it("lists the VM's sshd at ssh@<public ip> once its creation is done", () => {
    expect(built.vm.provisioningState).toBe("Succeeded");
    expect(sshUrl).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  });

  it("runs the admin's commands as the admin user", async () => {
    const ssh = await login(sshUrl);
    const result = await ssh.execCommand("echo $USER");
    expect(result).toMatchObject({ stdout: ADMIN, code: 0 });
  });

  it("refuses another login name and another key", async () => {
    expect(String(await rejection(sshTo(sshUrl, "root", admin.private)))).toMatch(/authentication methods failed/);
    const stranger = ed25519Pair();
    expect(String(await rejection(sshTo(sshUrl, ADMIN, stranger.private)))).toMatch(/authentication methods failed/);
  });

  it("gives the VM's commands a metadata service whose tokens carry the identity's v1 claims", async () => {
    const ssh = await login(sshUrl);
    const resource = SANDBOX_AUDIENCE_APP_ID_URI;
    const reply = await onVm<Record<string, unknown>>(
      ssh,
      `curl -sS -H Metadata:true "$IMDS_ENDPOINT/${IMDS_QUERY}&resource=${resource}&client_id=${built.identity.clientId}"`,
    );
    expect(Object.keys(reply).sort()).toEqual(
      [
        "access_token",
        "client_id",
        "expires_in",
        "expires_on",
        "ext_expires_in",
        "not_before",
        "resource",
        "token_type",
      ].sort(),
    );
    for (const value of Object.values(reply)) expect(typeof value).toBe("string");
    expect(reply).toMatchObject({ client_id: built.identity.clientId, resource, token_type: "Bearer" });

    const jwks = createRemoteJWKSet(new URL(`${handle.endpoints.entra}/common/discovery/keys`));
    const { payload } = await jwtVerify(String(reply.access_token), jwks, { audience: resource });
    const { principalId, clientId, id } = built.identity;
    expect(payload).toMatchObject({
      aud: resource,
      sub: principalId,
      oid: principalId,
      appid: clientId,
      tid: SANDBOX_TENANT_ID,
      idtyp: "app",
      ver: "1.0",
      xms_mirid: id.replace(/\/resourceGroups\//i, "/resourcegroups/"),
      xms_az_rid: built.vm.id!.replace(/\/resourceGroups\//i, "/resourcegroups/"),
    });
    expect(payload.xms_mirid).toContain("/resourcegroups/");
    expect(payload.xms_az_rid).toContain("/resourcegroups/");
    const lifetime = payload.exp! - payload.iat!;
    expect(lifetime).toBeGreaterThan(23 * 3600);
    expect(lifetime).toBeLessThan(25 * 3600);
    expect(reply.expires_on).toBe(String(payload.exp));
  });

  it("answers the ARM audience exactly as asked, and the only identity without a selector", async () => {
    const ssh = await login(sshUrl);
    const reply = await onVm<{ access_token: string; resource: string }>(
      ssh,
      `curl -sS -H Metadata:true "$IMDS_ENDPOINT/${IMDS_QUERY}&resource=https://management.azure.com/"`,
    );
    expect(reply.resource).toBe("https://management.azure.com/");
    expect(decodeJwt(reply.access_token)).toMatchObject({
      aud: "https://management.azure.com/",
      appid: built.identity.clientId,
    });
  });

  it("refuses a request without the Metadata header, and an identity the VM does not have", async () => {
    const ssh = await login(sshUrl);
    const write = `-w '\\n%{http_code}'`;
    const noHeader = await ssh.execCommand(
      `curl -sS ${write} "$IMDS_ENDPOINT/${IMDS_QUERY}&resource=${SANDBOX_AUDIENCE_APP_ID_URI}"`,
    );
    const [noHeaderBody, noHeaderStatus] = noHeader.stdout.split("\n");
    expect(noHeaderStatus).toBe("400");
    expect(JSON.parse(noHeaderBody!)).toEqual({
      error: "bad_request_102",
      error_description: "Required metadata header not specified",
    });
    const unknown = await ssh.execCommand(
      `curl -sS ${write} -H Metadata:true "$IMDS_ENDPOINT/${IMDS_QUERY}&resource=${SANDBOX_AUDIENCE_APP_ID_URI}&client_id=00000000-1111-2222-3333-444444444444"`,
    );
    const [unknownBody, unknownStatus] = unknown.stdout.split("\n");
    expect(unknownStatus).toBe("400");
    expect(JSON.parse(unknownBody!)).toEqual({ error: "invalid_request", error_description: "Identity not found" });
  });

  it("picks an identity by object_id or msi_res_id, and asks for one once the VM has two", async () => {
    const imds = (await handle.endpoint(vmImdsListenerName(built.vm.vmId!)))!;
    const ask = async (query: string): Promise<{ status: number; body: Record<string, string> }> => {
      const res = await fetch(`${imds}/${IMDS_QUERY}&resource=${SANDBOX_AUDIENCE_APP_ID_URI}${query}`, {
        headers: { Metadata: "true" },
      });
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    };
    const second = await c.msi.userAssignedIdentities.createOrUpdate("rg-fleet", "second", { location: "westeurope" });
    await c.compute.virtualMachines.beginCreateOrUpdateAndWait("rg-fleet", "vm1", {
      ...built.vm,
      identity: {
        type: "UserAssigned",
        userAssignedIdentities: { [built.identity.id]: {}, [second.id!]: {} },
      },
    });
    expect(await ask("")).toEqual({
      status: 400,
      body: {
        error: "invalid_request",
        error_description:
          "Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request",
      },
    });
    const byObject = await ask(`&object_id=${second.principalId!}`);
    expect(byObject.status).toBe(200);
    expect(decodeJwt(byObject.body.access_token!)).toMatchObject({ oid: second.principalId, appid: second.clientId });
    const byResource = await ask(`&msi_res_id=${encodeURIComponent(built.identity.id)}`);
    expect(byResource.body.client_id).toBe(built.identity.clientId);
    // IMDS keeps a token per identity and resource: asking again gives the same one.
    expect((await ask(`&client_id=${built.identity.clientId}`)).body.access_token).toBe(byResource.body.access_token);
    expect(await ask(`&object_id=${second.principalId!}&client_id=${second.clientId!}`)).toMatchObject({ status: 400 });
  });

  it("refuses a resource the tenant does not hold, in IMDS's own words, and a request without api-version", async () => {
    const imds = (await handle.endpoint(vmImdsListenerName(built.vm.vmId!)))!;
    const unknown = await fetch(`${imds}/${IMDS_QUERY}&resource=api://nobody&client_id=${built.identity.clientId}`, {
      headers: { Metadata: "true" },
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      error: "invalid_resource",
      // IMDS says AADSTS50001 (reference: azure/entra/imds-errors.json), the token endpoint 500011.
      error_description: expect.stringMatching(
        /^AADSTS50001: The application named api:\/\/nobody wasn't found in the tenant named /,
      ) as string,
    });
    const noVersion = await fetch(`${imds}/metadata/identity/oauth2/token?resource=${SANDBOX_AUDIENCE_APP_ID_URI}`, {
      headers: { Metadata: "true" },
    });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({
      error: expect.stringMatching(/api-version was not specified/) as string,
    });
    const noResource = await fetch(`${imds}/${IMDS_QUERY}`, { headers: { Metadata: "true" } });
    expect(await noResource.json()).toEqual({
      error: "invalid_request",
      error_description: "Required audience parameter not specified",
    });
  });

  it("answers the what-is-my-IP endpoint with the sandbox's public address", async () => {
    const url = await handle.endpoint(CHECKIP_LISTENER);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url!}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("198.51.100.7\n");
  });
});

describe("sandbox VM: its life follows ARM", () => {
  it("closes the VM's SSH and metadata listeners and removes its folder when the VM is deleted", async () => {
    const built = await buildVm(c, "rg-delete", admin);
    const vmId = built.vm.vmId!;
    const sshUrl = (await endpointWhen(handle, vmSshListenerName(built.publicIp), true))!;
    const imdsUrl = (await handle.endpoint(vmImdsListenerName(vmId)))!;
    const ssh = await login(sshUrl);
    expect((await ssh.execCommand("echo $IMDS_ENDPOINT")).stdout).toBe(imdsUrl);

    await c.compute.virtualMachines.beginDeleteAndWait("rg-delete", "vm1");
    expect(await endpointWhen(handle, vmSshListenerName(built.publicIp), false)).toBeUndefined();
    expect(await handle.endpoint(vmImdsListenerName(vmId))).toBeUndefined();
    expect(await tcpConnect(portOf(sshUrl))).toBe("ECONNREFUSED");
    expect(await tcpConnect(portOf(imdsUrl))).toBe("ECONNREFUSED");
    expect(await rejection(stat(join(handle.dir, "vms", vmId)))).toMatchObject({ code: "ENOENT" });
  });

  it("moves the VM's SSH listener to the new address when its NIC gets another public IP", async () => {
    const built = await buildVm(c, "rg-move", admin);
    expect(await endpointWhen(handle, vmSshListenerName(built.publicIp), true)).toBeDefined();
    const ip = await c.network.publicIPAddresses.beginCreateOrUpdateAndWait("rg-move", "vm-ip2", {
      location: "westeurope",
      sku: { name: "Standard" },
      publicIPAllocationMethod: "Static",
    });
    const nic = await c.network.networkInterfaces.get("rg-move", "vm-nic");
    const [config] = nic.ipConfigurations!;
    await c.network.networkInterfaces.beginCreateOrUpdateAndWait("rg-move", "vm-nic", {
      ...nic,
      ipConfigurations: [{ ...config, publicIPAddress: { id: ip.id! } }],
    });
    const moved = await endpointWhen(handle, vmSshListenerName(ip.ipAddress!), true);
    expect(moved).toBeDefined();
    expect(await endpointWhen(handle, vmSshListenerName(built.publicIp), false)).toBeUndefined();
    const ssh = await login(moved!);
    expect((await ssh.execCommand("echo $USER")).stdout).toBe(ADMIN);
  });

  it("brings the VM back with the same host key after a restart, and drops it with its resource group", async () => {
    const built = await buildVm(c, "rg-restart", admin);
    const before: string[] = [];
    await login((await endpointWhen(handle, vmSshListenerName(built.publicIp), true))!, ADMIN, admin.private, before);

    for (const s of sessions.splice(0)) s.dispose();
    await handle.close();
    handle = await launchSandbox(folder.path, {});
    c = clientsFor(handle);

    // Start-up waits for the VMs, so the listener is there at once.
    const sshUrl = await handle.endpoint(vmSshListenerName(built.publicIp));
    expect(sshUrl).toBeDefined();
    const after: string[] = [];
    const ssh = await login(sshUrl!, ADMIN, admin.private, after);
    expect(after).toEqual(before);
    expect((await ssh.execCommand("echo $USER")).stdout).toBe(ADMIN);

    await c.resources.resourceGroups.beginDeleteAndWait("rg-restart");
    expect(await endpointWhen(handle, vmSshListenerName(built.publicIp), false)).toBeUndefined();
    expect(await handle.endpoint(vmImdsListenerName(built.vm.vmId!))).toBeUndefined();
    expect(await tcpConnect(portOf(sshUrl!))).toBe("ECONNREFUSED");
  });
});

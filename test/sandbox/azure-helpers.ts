import { expect } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { ClientSecretCredential } from "@azure/identity";
import { RestError } from "@azure/core-rest-pipeline";
import type { VirtualMachine } from "@azure/arm-compute";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/harness/index.js";
import { createAzureService, readAzureSandboxSecret, type AzureSandboxService } from "../../src/sandbox/azure/index.js";
import { SANDBOX_CLIENT_ID, SANDBOX_TENANT_ID } from "../../src/sandbox/constants.js";

/** Shared set-up of the Azure sandbox tests: a sandbox on 127.0.0.1, its CA trusted, a signed-in credential. */

export const ARM_SCOPE = "https://management.azure.com/.default";

export interface AzureCloud {
  sandbox: RunningSandbox;
  azure: AzureSandboxService;
  dir: string;
  arm: string;
  credential: ClientSecretCredential;
}

/** Starts sandboxes and removes them (and their folders) in `stopAll`. */
export class AzureClouds {
  private readonly dirs: string[] = [];
  private readonly sandboxes: RunningSandbox[] = [];
  private readonly previousCas = getCACertificates("default");

  async start(env: Record<string, string>, now?: () => number, dir?: string): Promise<AzureCloud> {
    dir ??= await mkdtemp(join(tmpdir(), "azure-sandbox-"));
    if (!this.dirs.includes(dir)) this.dirs.push(dir);
    const azure = createAzureService();
    const sandbox = await startSandbox({ dir, services: [azure], env, ...(now ? { now } : {}) });
    this.sandboxes.push(sandbox);
    setDefaultCACertificates([...getCACertificates("default"), sandbox.caPem]);
    const { clientSecret } = await readAzureSandboxSecret(dir);
    const credential = new ClientSecretCredential(SANDBOX_TENANT_ID, SANDBOX_CLIENT_ID, clientSecret, {
      authorityHost: sandbox.endpoints.entra!,
      disableInstanceDiscovery: true,
    });
    return { sandbox, azure, dir, arm: sandbox.endpoints.arm!, credential };
  }

  async stopAll(): Promise<void> {
    setDefaultCACertificates(this.previousCas);
    await Promise.all(this.sandboxes.map((s) => s.stop()));
    await Promise.all(this.dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

/** The parts of ARM answers the tests read; `undefined` at run time when the body is empty. */
export interface ArmJson {
  error: { code: string; message: string; target?: string };
  id?: string;
  name?: string;
  status?: string;
  startTime?: string;
  endTime?: string;
  etag?: string;
  properties: Record<string, unknown> & { provisioningState?: string };
  value?: Array<Record<string, unknown>>;
}

export async function armFetch(
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

export async function restErrorOf(promise: Promise<unknown>): Promise<RestError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RestError);
  return err as RestError;
}

/** The rejection of a promise that must fail (long-running operations fail with a plain Error). */
export async function errorOf(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

/**
 * Every member path of a JSON value ("properties.provisioningState", "value[].id"), array items
 * merged: two bodies with the same paths have the same shape, whatever the values.
 */
export function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((item) => keyPaths(item, `${prefix}[]`)))].sort();
  if (value === null || typeof value !== "object") return [];
  const paths = Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...keyPaths(child, path)];
  });
  return [...new Set(paths)].sort();
}

/** A file of test/fixtures/azure, parsed. */
export async function fixture<T = Record<string, unknown>>(name: string): Promise<T> {
  const { readFile } = await import("node:fs/promises");
  const url = new URL(`../fixtures/azure/${name}`, import.meta.url);
  return JSON.parse(await readFile(url, "utf8")) as T;
}

/** The body of one response of an azure-rest-api-specs example. */
export async function exampleBody(name: string, status: string): Promise<unknown> {
  const example = await fixture<{ responses: Record<string, { body?: unknown }> }>(name);
  const response = example.responses[status];
  if (!response) throw new Error(`${name} has no ${status} response`);
  return response.body;
}

/** The request body of an azure-rest-api-specs example (its `parameters` entry that is an object). */
export async function exampleRequest(name: string, parameter = "parameters"): Promise<string> {
  const example = await fixture<{ parameters: Record<string, unknown> }>(name);
  const body = example.parameters[parameter];
  if (body === undefined) throw new Error(`${name} has no request parameter "${parameter}"`);
  return JSON.stringify(body);
}

/** An OpenSSH public key line of a fresh key pair (ssh-ed25519, or ssh-rsa of `bits`). */
export function sshPublicKeyLine(type: "ed25519" | "rsa", bits = 2048): string {
  const field = (data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, data]);
  };
  const mpint = (b64url: string): Buffer => {
    const raw = Buffer.from(b64url, "base64url");
    return field((raw[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), raw]) : raw);
  };
  if (type === "ed25519") {
    const jwk = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" });
    const blob = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(Buffer.from(jwk.x ?? "", "base64url"))]);
    return `ssh-ed25519 ${blob.toString("base64")} test@sandbox`;
  }
  const jwk = generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ format: "jwk" });
  const blob = Buffer.concat([field(Buffer.from("ssh-rsa")), mpint(jwk.e ?? ""), mpint(jwk.n ?? "")]);
  return `ssh-rsa ${blob.toString("base64")} test@sandbox`;
}

/** A Linux VM signed in to with an SSH key only, on one NIC (what the vm layer asks for), plus `extra`. */
export function linuxVmBody(
  nicId: string,
  vm: { computerName: string; adminUsername: string; keyData: string; location?: string },
  extra: Partial<VirtualMachine> = {},
): VirtualMachine {
  return {
    location: vm.location ?? "westeurope",
    hardwareProfile: { vmSize: "Standard_B1s" },
    storageProfile: {
      imageReference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
      osDisk: { createOption: "FromImage", managedDisk: { storageAccountType: "Standard_LRS" } },
    },
    osProfile: {
      computerName: vm.computerName,
      adminUsername: vm.adminUsername,
      linuxConfiguration: {
        disablePasswordAuthentication: true,
        ssh: { publicKeys: [{ path: `/home/${vm.adminUsername}/.ssh/authorized_keys`, keyData: vm.keyData }] },
      },
    },
    networkProfile: { networkInterfaces: [{ id: nicId, primary: true }] },
    ...extra,
  };
}

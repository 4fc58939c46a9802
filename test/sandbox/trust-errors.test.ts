import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Facts } from "../../src/resources/facts.js";
import { oidcProvider } from "../../src/resources/oidc-provider.js";
import { memoryState } from "../helpers/plan-graph.js";
import type { CloudPorts } from "../../src/cloud/ports.js";
import { configSchema } from "../../src/config/schema.js";
import { RecordingReporter } from "../../src/report/recording-reporter.js";
import type { BridgeError } from "../../src/errors.js";
import { bridgeFailure } from "../helpers/rejection.js";
import { openSandbox, type SandboxHandle } from "../../src/sandbox/open-sandbox.js";
import { createOidcProviderPort } from "../../src/cloud/aws/iam-adapters.js";
import { createStsPort } from "../../src/cloud/aws/sts-adapter.js";
import { awsClientSettings } from "../../src/cloud/aws/settings.js";
import { runCli } from "../helpers/run-cli.js";
import { createSignInPort } from "../../src/cloud/azure/sign-in-adapter.js";
import { azureSettings } from "../../src/cloud/azure/settings.js";
import { tempDir } from "../helpers/temp-dir.js";

const TENANT = "11111111-2222-4333-8444-555555555555";
let server: Server;
let base: string;
let sandbox: SandboxHandle;
let ports: CloudPorts;
let dir: Awaited<ReturnType<typeof tempDir>>;

// A misbehaving discovery host: each tenant id picks a failure.
const answers: Record<string, (res: ServerResponse) => void> = {
  "404": (res) => res.writeHead(404).end("not here"),
  html: (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>sign in</html>"),
  mismatch: (res) =>
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ issuer: `https://sts.windows.net/${TENANT}/`, jwks_uri: "https://127.0.0.1/keys" })),
};

beforeAll(async () => {
  dir = await tempDir();
  server = createServer((req, res) => {
    const kind = (req.url ?? "").split("/")[1] ?? "";
    (answers[kind] ?? answers["404"])?.(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox = await openSandbox(join(dir.path, "state"), process.env);
  const aws = awsClientSettings({
    region: "eu-central-1",
    credentials: sandbox.aws,
    endpoints: { iam: sandbox.endpoints.iam, sts: sandbox.endpoints.sts },
    env: {},
  });
  const [providers, sts] = await Promise.all([createOidcProviderPort(aws), createStsPort(aws)]);
  const unused = () => Promise.reject(new Error("not used by the trust layer"));
  ports = {
    sts: () => Promise.resolve(sts),
    oidcProviders: () => Promise.resolve(providers),
    signIn: () => Promise.resolve({ tenantId: () => Promise.resolve("common") }),
    roles: unused,
    ssm: unused,
    resourceGroups: unused,
    identities: unused,
    armResources: unused,
    vmHost: unused,
    close: () => Promise.resolve(),
    network: unused,
    compute: unused,
    vm: { sshAddress: unused, checkIpUrl: unused },
  };
});
afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => server.close(resolve));
  await dir.cleanup();
});

async function observeFailure(issuerPath: string, tenantId: string | null = TENANT): Promise<BridgeError> {
  const config = configSchema.parse({ azure: tenantId ? { tenantId } : {} });
  const reporter = new RecordingReporter();
  const facts = new Facts(config, ports, reporter, { issuerHost: `${base}/${issuerPath}` });
  const tags = {};
  return bridgeFailure(
    oidcProvider.lookup({ config, ports, facts, reporter, tags, stateDir: dir.path, state: memoryState("ob-1") }),
  );
}

describe("trust error paths", () => {
  test("discovery answering 404 names the URL and the status", async () => {
    const error = await observeFailure("404");
    expect(error.message).toBe(
      `OpenID discovery at ${base}/404/${TENANT}/.well-known/openid-configuration: HTTP 404 Not Found`,
    );
    expect(error.exitCode).toBe(1);
    expect(error.hint).toContain("tenant id");
  });

  test("discovery answering HTML says it is not JSON", async () => {
    const error = await observeFailure("html");
    expect(error.message).toMatch(/: the answer is not JSON \(content-type text\/html\)$/);
  });

  test("a document naming another issuer is refused, both issuers named", async () => {
    const error = await observeFailure("mismatch");
    expect(error.message).toContain(
      `names issuer "https://sts.windows.net/${TENANT}/", not "${base}/mismatch/${TENANT}/"`,
    );
    expect(error.hint).toContain("exactly");
  });

  test("a tenant from the credential that is not a GUID is a user error (exit 2)", async () => {
    const error = await observeFailure("any", null);
    expect(error.message).toBe('azure.tenantId: "common" is not a GUID');
    expect(error.exitCode).toBe(2);
  });

  test("--tenant that is not a GUID is refused before anything runs", async () => {
    const run = await runCli(["trust", "--tenant", "contoso.onmicrosoft.com"], { cwd: dir.path });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("--tenant must be a tenant GUID");
  });

  test("a sign-in host that refuses connections is named, with the network cause, not MSAL's bare code", async () => {
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve));
    const closed = `https://127.0.0.1:${(spare.address() as AddressInfo).port}`;
    await new Promise((resolve) => spare.close(resolve));
    const signIn = await createSignInPort(
      azureSettings({
        endpoints: {
          resourceManager: closed,
          authorityHost: closed,
          armAudience: "https://management.azure.com",
          stsHost: closed,
        },
        servicePrincipal: { tenantId: TENANT, clientId: TENANT, clientSecret: "not-a-real-secret" },
      }),
    );
    const error = await bridgeFailure(signIn.tenantId());
    expect(error.message).toBe(
      `cannot sign in to Azure to find the tenant: the sign-in host cannot be reached: ${closed}/common/v2.0/.well-known/openid-configuration: ECONNREFUSED connect ECONNREFUSED ${closed.replace("https://", "")}`,
    );
    expect(error.hint).toContain("sign in");
  });
});

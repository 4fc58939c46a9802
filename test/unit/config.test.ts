import { describe, expect, test } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load-config.js";
import { configSchema } from "../../src/config/schema.js";
import { bridgeFailure as failure } from "../helpers/rejection.js";
import { SANDBOX_SUBSCRIPTION_ID } from "../../src/sandbox/constants.js";
import { configJsonSchema } from "../../src/commands/config-schema.js";
import { tempDir } from "../helpers/temp-dir.js";

async function withFile(content: unknown, run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await tempDir();
  try {
    await writeFile(
      join(dir.path, "oidc-bridge.json"),
      typeof content === "string" ? content : JSON.stringify(content),
    );
    await run(dir.path);
  } finally {
    await dir.cleanup();
  }
}

describe("config", () => {
  test("config.example.json satisfies the schema", async () => {
    const example = JSON.parse(
      await readFile(new URL("../../config.example.json", import.meta.url), "utf8"),
    ) as unknown;
    const parsed = configSchema.safeParse(example);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  test("defaults follow the seed except where it is unsafe: private address space, both conditions", () => {
    const config = configSchema.parse({});
    expect(config.azure.network.addressSpace).toBe("10.42.0.0/16");
    expect(config.azure.resourceGroup).toBe("aws-oidc-rg");
    expect(config.aws.roleName).toBe("azure-vm");
    expect(config.oidc.audience).toBe("https://management.core.windows.net/");
    expect(config.adminCidrs).toBe("auto");
  });

  test("a wrong type, an unknown key and a bad CIDR are all reported at once, each by field", async () => {
    await withFile(
      { aws: { maxSessionDuration: "1h" }, azure: { locaton: "westeurope", network: { addressSpace: "10.0.0.0/33" } } },
      async (cwd) => {
        const error = await failure(loadConfig({ cwd, sandbox: false, env: {} }));
        expect(error.exitCode).toBe(2);
        expect(error.details).toHaveLength(3);
        const text = error.details.join("\n");
        expect(text).toContain("aws.maxSessionDuration");
        expect(text).toContain('"1h"');
        expect(text).toMatch(/azure\.locaton: unknown key .*did you mean "location"/);
        expect(text).toMatch(/azure\.network\.addressSpace: .*CIDR.*"10\.0\.0\.0\/33"/);
      },
    );
  });

  test("public address space and a subnet outside the VNet are refused with the fix", async () => {
    await withFile(
      { azure: { network: { addressSpace: "100.0.0.0/16", subnetPrefix: "10.1.2.0/24" } } },
      async (cwd) => {
        const error = await failure(loadConfig({ cwd, sandbox: false, env: {} }));
        const text = error.details.join("\n");
        expect(text).toMatch(/addressSpace: "100\.0\.0\.0\/16" is not private address space/);
        expect(text).toMatch(/subnetPrefix: "10\.1\.2\.0\/24" is not inside addressSpace/);
      },
    );
  });

  test("SSH open to the whole internet is refused", async () => {
    await withFile({ adminCidrs: ["0.0.0.0/0"] }, async (cwd) => {
      const error = await failure(loadConfig({ cwd, sandbox: false, env: {} }));
      expect(error.details.join("\n")).toMatch(/adminCidrs: .*whole internet/);
    });
  });

  test("names are checked by each service's rules before any call", async () => {
    await withFile(
      {
        aws: { roleName: "bad role!" },
        azure: { resourceGroup: "rg/with/slash", identityName: "x", vm: { adminUsername: "admin" } },
      },
      async (cwd) => {
        const error = await failure(loadConfig({ cwd, sandbox: false, env: {} }));
        const text = error.details.join("\n");
        expect(text).toMatch(/aws\.roleName: .*IAM role name rules/);
        expect(text).toMatch(/azure\.resourceGroup: .*resource group rules/);
        expect(text).toMatch(/azure\.identityName: .*managed identity rules/);
        expect(text).toMatch(/azure\.vm\.adminUsername: is reserved by Azure/);
      },
    );
  });

  test("flags override the environment, which overrides the file, which overrides defaults", async () => {
    await withFile(
      { aws: { region: "eu-west-1", roleName: "from-file" }, azure: { location: "westeurope" } },
      async (cwd) => {
        const env = { AWS_REGION: "us-east-2", OIDC_BRIDGE_ROLE_NAME: "from-env" };
        const { config } = await loadConfig({ cwd, sandbox: false, env, flags: { awsRegion: "ap-south-1" } });
        expect(config.aws.region).toBe("ap-south-1");
        expect(config.aws.roleName).toBe("from-env");
        expect(config.azure.location).toBe("westeurope");
        expect(config.azure.identityName).toBe("aws-oidc-identity");
      },
    );
  });

  test("--sandbox needs no config file and keeps the sandbox's own subscription", async () => {
    const dir = await tempDir();
    try {
      const { config, source } = await loadConfig({
        cwd: dir.path,
        sandbox: true,
        env: { AZURE_SUBSCRIPTION_ID: "11111111-1111-1111-1111-111111111111" },
      });
      expect(source).toContain("built-in sandbox config");
      expect(config.azure.subscriptionId).toBe(SANDBOX_SUBSCRIPTION_ID);
    } finally {
      await dir.cleanup();
    }
  });

  test("a missing file named with -c and a file that is not JSON give errors naming the file", async () => {
    const dir = await tempDir();
    try {
      const missing = await failure(loadConfig({ cwd: dir.path, file: "nope.json", sandbox: false, env: {} }));
      expect(missing.message).toMatch(/-c\/--config: cannot read .*nope\.json \(ENOENT\)/);
      await writeFile(join(dir.path, "bad.json"), "{ not json");
      const bad = await failure(loadConfig({ cwd: dir.path, file: "bad.json", sandbox: false, env: {} }));
      expect(bad.message).toMatch(/bad\.json is not valid JSON/);
    } finally {
      await dir.cleanup();
    }
  });

  test("the JSON Schema is generated from the zod schema and lists every section", () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
      additionalProperties: unknown;
    };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["azure", "aws", "oidc", "adminCidrs", "tags"]),
    );
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties.aws?.properties ?? {})).toContain("managedPolicies");
  });
});

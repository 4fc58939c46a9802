import { describe, expect, test } from "vitest";
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadConfig, type LoadConfigOptions } from "../../src/config/load-config.js";
import { configSchema } from "../../src/config/schema.js";
import { bridgeFailure } from "../helpers/rejection.js";
import { isBridgeError } from "../../src/errors.js";
import { tempDir } from "../helpers/temp-dir.js";

/** Loads `content` as the config file; returns every problem line, or [] when it passes. */
async function problems(
  content: string | object,
  options: Partial<Omit<LoadConfigOptions, "cwd">> = {},
): Promise<{ lines: string[]; code?: string; message?: string; audience?: string }> {
  const dir = await tempDir();
  try {
    await writeFile(join(dir.path, "c.json"), typeof content === "string" ? content : JSON.stringify(content));
    try {
      const { config } = await loadConfig({ cwd: dir.path, file: "c.json", sandbox: false, env: {}, ...options });
      return { lines: [], audience: config.oidc.audience };
    } catch (err) {
      if (!isBridgeError(err)) throw err;
      const error = err;
      return { lines: [...error.details], code: error.code, message: error.message };
    }
  } finally {
    await dir.cleanup();
  }
}

describe("__proto__ in the config (item 3)", () => {
  test('{"__proto__":{"oidc":{"audience":"x"}}} is refused as an unknown key and sets nothing', async () => {
    const result = await problems('{"__proto__":{"oidc":{"audience":"x"}}}');
    expect(result.code).toBe("CONFIG_INVALID");
    expect(result.lines).toEqual([expect.stringMatching(/^__proto__: unknown key in .*c\.json; remove it$/)]);
  });

  test("__proto__ nested in a section is refused there too", async () => {
    const result = await problems('{"aws":{"__proto__":{"roleName":"evil"}}}');
    expect(result.lines.join("\n")).toMatch(/aws\.__proto__: unknown key/);
  });

  test("__proto__ is refused under --sandbox, where the file is merged into the sandbox config", async () => {
    const result = await problems('{"__proto__":{"oidc":{"audience":"x"}}}', { sandbox: true });
    expect(result.lines.join("\n")).toMatch(/__proto__: unknown key/);
  });
});

describe("--sandbox never hides a config error (item 6)", () => {
  const cases: Array<[string, object, RegExp]> = [
    ["a section of the wrong type", { aws: [] }, /^aws: expected object, received array/],
    [
      "a subscription id that is not a GUID",
      { azure: { subscriptionId: "nope" } },
      /azure\.subscriptionId: must be a GUID/,
    ],
    ["an unknown azure.cloud", { azure: { cloud: "Mars" } }, /azure\.cloud: must be AzurePublicCloud/],
    ["a tenant id that is not a GUID", { azure: { tenantId: "t" } }, /azure\.tenantId: must be a GUID/],
  ];
  for (const [what, content, pattern] of cases) {
    test(`${what} fails under --sandbox as it does without`, async () => {
      const plain = await problems(content);
      const sandboxed = await problems(content, { sandbox: true });
      expect(plain.lines.join("\n")).toMatch(pattern);
      expect(sandboxed.lines.join("\n")).toMatch(pattern);
    });
  }

  test("a bad AZURE_SUBSCRIPTION_ID is reported under --sandbox, naming the variable", async () => {
    const result = await problems({}, { sandbox: true, env: { AZURE_SUBSCRIPTION_ID: "not-a-guid" } });
    expect(result.lines.join("\n")).toMatch(/azure\.subscriptionId: must be a GUID .*\(from AZURE_SUBSCRIPTION_ID\)/);
  });

  test("what the user leaves out, the sandbox fills in: an empty file passes under --sandbox", async () => {
    expect((await problems({}, { sandbox: true })).lines).toEqual([]);
  });
});

describe("values the clouds would refuse mid-run are refused before any call (item 7)", () => {
  const refused: Array<[string, object | string, RegExp]> = [
    [
      "an SSM name deeper than 15 levels",
      { aws: { ssmParameterName: `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join("/")}` } },
      /aws\.ssmParameterName: must have at most 15 levels/,
    ],
    ["an SSM name starting with aws", { aws: { ssmParameterName: "/aws/x" } }, /must not start with aws or ssm/],
    ["an SSM name starting with ssm", { aws: { ssmParameterName: "SSMthing" } }, /must not start with aws or ssm/],
    [
      "an SSM name with an empty level",
      { aws: { ssmParameterName: "/a//b" } },
      /aws\.ssmParameterName: must be a path/,
    ],
    [
      "an SSM path without a leading slash",
      { aws: { ssmParameterName: "a/b" } },
      /aws\.ssmParameterName: must be a path/,
    ],
    [
      "an SSM name whose ARN passes 1011 characters",
      { aws: { ssmParameterName: `/${"a".repeat(990)}` } },
      /aws\.ssmParameterName: is too long: SSM allows 1011 characters for the parameter's whole ARN/,
    ],
    [
      "a policy ARN with ..",
      { aws: { managedPolicies: ["arn:aws:iam::aws:policy/../AdministratorAccess"] } },
      /aws\.managedPolicies\.0: must not contain "\.\." as a path segment/,
    ],
    [
      "a policy name with ..",
      { aws: { managedPolicies: ["service-role/../Admin"] } },
      /must not contain "\.\." as a path segment/,
    ],
    [
      "a policy ARN in another partition than the region",
      { aws: { region: "eu-central-1", managedPolicies: ["arn:aws-cn:iam::aws:policy/ReadOnlyAccess"] } },
      /is in partition aws-cn, but region eu-central-1 is in aws/,
    ],
    [
      "a policy ARN with a bad account",
      { aws: { managedPolicies: ["arn:aws:iam::12345:policy/X"] } },
      /12-digit account id/,
    ],
    ["a policy name with a space", { aws: { managedPolicies: ["Amazon S3"] } }, /policy name of 1-128/],
    ["a NUL in a tag value", { tags: { env: "a\u0000b" } }, /tags\.env: contains the control character U\+0000/],
    [
      "a NUL in the audience",
      { oidc: { audience: "https://x/\u0000" } },
      /oidc\.audience: contains the control character/,
    ],
    [
      "a tag key starting with aws:",
      { tags: { "aws:owner": "me" } },
      /tags\.aws:owner: tag keys must not start with "aws:"/,
    ],
    ["a tag key with a slash (Azure refuses it)", { tags: { "a/b": "x" } }, /tags\.a\/b: tag keys may hold only/],
    ["a tag key oidc-bridge sets itself", { tags: { "managed-by": "me" } }, /tags\.managed-by: tag keys managed-by/],
    ["two tag keys differing in case", { tags: { Env: "a", env: "b" } }, /differ only in case/],
    ["a tag value with a comma", { tags: { env: "a,b" } }, /tags\.env: tag values may hold only/],
    ["a tag value over 256 characters", { tags: { env: "v".repeat(257) } }, /at most 256 characters/],
    ["a tag key over 128 characters", { tags: { ["k".repeat(129)]: "v" } }, /at most 128 characters/],
    [
      "a CIDR with leading zeros",
      { adminCidrs: ["010.0.0.0/8"] },
      /adminCidrs\.0: must not have leading zeros \(write 10\.0\.0\.0\/8\)/,
    ],
    ["a prefix length with a leading zero", { adminCidrs: ["10.0.0.0/08"] }, /must not have leading zeros/],
    ["a CIDR with host bits", { adminCidrs: ["10.1.2.3/16"] }, /has host bits set \(did you mean 10\.1\.0\.0\/16\?\)/],
    [
      "a subnet smaller than Azure allows",
      { azure: { network: { subnetPrefix: "10.42.2.0/30" } } },
      /between \/8 and \/29/,
    ],
    ["a duplicate JSON key", '{"aws":{"roleName":"a","roleName":"b"}}', /.^/],
    [
      "an audience that is not a URL",
      { oidc: { audience: "my-app" } },
      /oidc\.audience: must be an https URL .* or an api:\/\//,
    ],
    ["an http audience", { oidc: { audience: "http://example.com" } }, /oidc\.audience: must be an https URL/],
    ["an empty api:// audience", { oidc: { audience: "api://" } }, /api:\/\/ needs a name/],
    ["maxSessionDuration out of range", { aws: { maxSessionDuration: 60 } }, /must be 3600-43200 seconds/],
    ["maxSessionDuration not whole", { aws: { maxSessionDuration: 3600.5 } }, /maxSessionDuration/],
    ["a role name over 64 characters", { aws: { roleName: "r".repeat(65) } }, /IAM role name rules/],
    ["a VNet name of one character", { azure: { network: { vnetName: "v" } } }, /Azure virtual network rules/],
    [
      "an image version that is not one",
      { azure: { vm: { image: { version: "newest" } } } },
      /must be "latest" or a version/,
    ],
    ["an image publisher with a space", { azure: { vm: { image: { publisher: "My Pub" } } } }, /Azure image naming/],
    ["a reserved admin user", { azure: { vm: { adminUsername: "root" } } }, /is reserved by Azure/],
    ["a VM name of digits only", { azure: { vm: { name: "12345" } } }, /must not be only digits/],
  ];
  for (const [what, content, pattern] of refused) {
    if (typeof content === "string") {
      test(`${what} is refused, naming the key`, async () => {
        const result = await problems(content);
        expect(result.code).toBe("CONFIG_DUPLICATE_KEY");
        expect(result.message).toContain('the key "aws.roleName" is given twice');
      });
      continue;
    }
    test(`${what} is refused, naming the field`, async () => {
      const result = await problems(content);
      expect(result.code).toBe("CONFIG_INVALID");
      expect(result.lines.join("\n")).toMatch(pattern);
    });
  }

  test("values the clouds take pass: paths in policy names, api:// audiences, empty tag values", () => {
    const parsed = configSchema.safeParse({
      aws: {
        managedPolicies: ["service-role/AmazonEC2RoleforSSM", "arn:aws:iam::123456789012:policy/team/Mine"],
        ssmParameterName: `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join("/")}`,
      },
      oidc: { audience: "api://oidc-bridge-aws" },
      tags: { "cost center": "", "team:owner": "a.b@c.d/e" },
      adminCidrs: ["0.0.0.0/8", "192.168.0.0/16"],
    });
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });
});

describe("config files that are not regular files (item 5)", () => {
  test("-c naming a FIFO is refused at once instead of waiting for a writer", async () => {
    const dir = await tempDir();
    try {
      execFileSync("mkfifo", [join(dir.path, "pipe.json")]);
      const error = await bridgeFailure(loadConfig({ cwd: dir.path, file: "pipe.json", sandbox: false, env: {} }));
      expect(error.code).toBe("CONFIG_NOT_A_FILE");
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain("pipe.json is a named pipe (FIFO), not a regular file");
    } finally {
      await dir.cleanup();
    }
  });

  test("a config nested 200,000 levels deep is a config error, not a crash (item 4)", async () => {
    const result = await problems(`{"aws":${"[".repeat(200_000)}${"]".repeat(200_000)}}`);
    expect(result.code).toBe("CONFIG_TOO_DEEP");
    expect(result.message).toContain("nested deeper than 32 levels at aws");
  });
});

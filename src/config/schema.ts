import { z } from "zod";
import { cidrProblem, contains, isPrivate, parseCidr } from "./cidr.js";
import { adminCidrProblem } from "./admin-cidrs.js";
import * as names from "./names.js";

const cidr = z.string().superRefine((text, ctx) => {
  const problem = cidrProblem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem, input: text });
});

const adminCidr = z.string().superRefine((text, ctx) => {
  const problem = adminCidrProblem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem, input: text });
});

/** How long one wait of the VM layer may take before it fails with what it waited for. */
const waitSeconds = (fallback: number) =>
  z.number().int().min(1, "must be at least 1 second").max(7200, "must be at most 7200 seconds").default(fallback);

/** Azure's smallest subnet is a /29 (it keeps five addresses of each); a VNet is /8 to /29. */
const networkCidr = (what: string) =>
  cidr.refine((text) => {
    const bits = parseCidr(text)?.bits;
    return bits === undefined || (bits >= 8 && bits <= 29);
  }, `an Azure ${what} must be between /8 and /29`);

/** Image fields as Azure Marketplace spells them. */
const imagePart = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be 1-64 letters, digits and . _ - (Azure image naming)");

const azureCloud = z.union(
  [
    z.enum(["AzurePublicCloud", "AzureChinaCloud", "AzureUSGovernment"]),
    z.strictObject({
      resourceManager: z
        .url({ protocol: /^https$/, error: "must be an https URL" })
        .describe("ARM endpoint, e.g. https://management.azure.com"),
      authorityHost: z
        .url({ protocol: /^https$/ })
        .describe("Entra sign-in host, e.g. https://login.microsoftonline.com"),
      /** Scope prefix of ARM tokens; defaults to resourceManager. */
      armAudience: z.url({ error: "must be a URL" }).optional(),
      /** Issuer host of v1 tokens (sts.windows.net in the public cloud). */
      stsHost: z.url({ protocol: /^https$/, error: "must be an https URL" }).optional(),
    }),
  ],
  {
    error:
      "must be AzurePublicCloud, AzureChinaCloud, AzureUSGovernment, or an object of https endpoints (resourceManager, authorityHost)",
  },
);

const tags = z
  .record(names.tagKey, names.tagValue)
  .refine((t) => Object.keys(t).length <= 45, "at most 45 tags (AWS allows 50; oidc-bridge adds its own)")
  .superRefine((t, ctx) => {
    // IAM and Azure both treat "Env" and "env" as one key: the second would be refused mid-run.
    const seen = new Map<string, string>();
    for (const key of Object.keys(t)) {
      const other = seen.get(key.toLowerCase());
      if (other !== undefined)
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `tag keys "${other}" and "${key}" differ only in case; AWS and Azure see one key: keep one`,
        });
      seen.set(key.toLowerCase(), key);
    }
  });

/** The partition an AWS region belongs to, for ARNs and length limits. */
export function partitionOf(region: string): string {
  return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Path or URL of this file's JSON Schema (oidc-bridge config schema)"),
    azure: z
      .strictObject({
        cloud: azureCloud.default("AzurePublicCloud"),
        subscriptionId: names.guid.optional().describe("Azure subscription; else AZURE_SUBSCRIPTION_ID"),
        tenantId: names.guid.optional().describe("Entra tenant; else discovered from the signed-in credential"),
        location: z
          .string()
          .regex(/^[a-z0-9]{1,40}$/, "must be an Azure region name like germanywestcentral")
          .default("germanywestcentral"),
        resourceGroup: names.resourceGroupName.default("aws-oidc-rg"),
        identityName: names.identityName.default("aws-oidc-identity"),
        network: z
          .strictObject({
            vnetName: names.vnetName.default("oidc-vnet"),
            addressSpace: networkCidr("address space").default("10.42.0.0/16"),
            subnetName: names.azureResourceName.default("oidc-subnet"),
            subnetPrefix: networkCidr("subnet").default("10.42.2.0/24"),
            publicIpName: names.azureResourceName.default("oidc-pip"),
            nicName: names.azureResourceName.default("oidc-nic"),
            nsgName: names.azureResourceName.default("oidc-nsg"),
          })
          .prefault({}),
        vm: z
          .strictObject({
            name: names.vmName.default("oidc-vm"),
            size: z
              .string()
              .regex(/^[A-Za-z0-9_]{1,64}$/, "must be a VM size like Standard_B2pts_v2")
              .default("Standard_B2pts_v2"),
            image: z
              .strictObject({
                publisher: imagePart.default("Debian"),
                offer: imagePart.default("debian-13-daily"),
                sku: imagePart.default("13-arm64"),
                version: z
                  .string()
                  .regex(/^(latest|\d+\.\d+\.\d+)$/, 'must be "latest" or a version like 0.20250101.1234')
                  .default("latest"),
              })
              .prefault({}),
            adminUsername: names.adminUsername.default("adminuser"),
            sshKeyName: names.azureResourceName.default("oidc-ssh-key"),
            keyType: z
              .enum(["ed25519", "rsa"])
              .default("ed25519")
              .describe("the admin SSH key: ed25519, or rsa (4096 bits); --key-type sets it"),
            timeouts: z
              .strictObject({
                provisioningSeconds: waitSeconds(900),
                sshSeconds: waitSeconds(300),
                cloudInitSeconds: waitSeconds(900),
              })
              .prefault({})
              .describe("how long each wait for the VM may take: provisioning, SSH answering, cloud-init"),
          })
          .prefault({}),
      })
      .prefault({}),
    aws: z
      .strictObject({
        region: names.awsRegion.default("eu-central-1"),
        profile: z.string().min(1).optional().describe("Named profile; else AWS_PROFILE or the default chain"),
        roleName: names.iamRoleName.default("azure-vm"),
        managedPolicies: z
          .array(names.policyRef)
          .max(20, "IAM allows at most 20 managed policies per role")
          .default(["AmazonS3ReadOnlyAccess"])
          .describe("AWS managed policy names (the partition comes from the caller) or full policy ARNs"),
        ssmParameterName: names.ssmParameterName.default("/azure/oidc/role-arn"),
        maxSessionDuration: z
          .number()
          .int()
          .min(3600, "must be 3600-43200 seconds")
          .max(43200, "must be 3600-43200 seconds")
          .default(3600),
      })
      .prefault({}),
    oidc: z
      .strictObject({
        audience: names.audience.default("https://management.core.windows.net/"),
      })
      .prefault({}),
    configure: z
      .strictObject({
        awsProfile: z
          .string()
          .regex(/^[A-Za-z0-9_.+@-]{1,64}$/, "must be an AWS profile name like default or bridge")
          .default("default")
          .describe("the profile `configure` writes in the VM's ~/.aws/config"),
        roleArnFrom: z
          .enum(["state", "ssm"])
          .default("state")
          .describe(
            "where `configure` takes the role ARN: the state file, or the SSM parameter (as the write-up's playbook)",
          ),
      })
      .prefault({}),
    adminCidrs: z
      .union([z.literal("auto"), z.array(adminCidr).min(1, 'list at least one CIDR, or use "auto"')])
      .default("auto")
      .describe(
        '"auto" (this machine\'s public address as /32 or /128, from checkIpUrl) or the CIDRs allowed to reach SSH; wider than /8 needs --allow-any-source',
      ),
    checkIpUrl: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .default("https://checkip.amazonaws.com")
      .describe('what-is-my-IP service asked once per run when adminCidrs is "auto"'),
    tags: tags.default({}),
  })
  .superRefine((config, ctx) => {
    const partition = partitionOf(config.aws.region);
    config.aws.managedPolicies.forEach((ref, i) => {
      const given = /^arn:([a-z-]+):/.exec(ref)?.[1];
      if (given !== undefined && given !== partition)
        ctx.addIssue({
          code: "custom",
          path: ["aws", "managedPolicies", i],
          message: `"${ref}" is in partition ${given}, but region ${config.aws.region} is in ${partition}; use arn:${partition}:... or the bare policy name`,
        });
    });
    // SSM counts the whole ARN against its 1011-character limit.
    const arnPrefix = `arn:${partition}:ssm:${config.aws.region}:123456789012:parameter/`;
    const arnLength = arnPrefix.length + config.aws.ssmParameterName.replace(/^\//, "").length;
    if (arnLength > 1011)
      ctx.addIssue({
        code: "custom",
        path: ["aws", "ssmParameterName"],
        message: `is too long: SSM allows 1011 characters for the parameter's whole ARN, this one would have ${arnLength}`,
      });
    const space = parseCidr(config.azure.network.addressSpace);
    const subnet = parseCidr(config.azure.network.subnetPrefix);
    if (space && !isPrivate(space)) {
      ctx.addIssue({
        code: "custom",
        path: ["azure", "network", "addressSpace"],
        message: `"${config.azure.network.addressSpace}" is not private address space; use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`,
      });
    }
    if (space && subnet && !contains(space, subnet)) {
      ctx.addIssue({
        code: "custom",
        path: ["azure", "network", "subnetPrefix"],
        message: `"${config.azure.network.subnetPrefix}" is not inside addressSpace ${config.azure.network.addressSpace}`,
      });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

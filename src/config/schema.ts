import { z } from "zod";
import { contains, isPrivate, parseCidr } from "./cidr.js";
import * as names from "./names.js";

const cidr = z
  .string()
  .refine((s) => parseCidr(s) !== undefined, "must be an IPv4 CIDR like 10.42.0.0/16 with no host bits set");

const azureCloud = z.union([
  z.enum(["AzurePublicCloud", "AzureChinaCloud", "AzureUSGovernment"]),
  z.strictObject({
    resourceManager: z.url({ protocol: /^https$/ }).describe("ARM endpoint, e.g. https://management.azure.com"),
    authorityHost: z
      .url({ protocol: /^https$/ })
      .describe("Entra sign-in host, e.g. https://login.microsoftonline.com"),
    /** Scope prefix of ARM tokens; defaults to resourceManager. */
    armAudience: z.url().optional(),
    /** Issuer host of v1 tokens (sts.windows.net in the public cloud). */
    stsHost: z.url({ protocol: /^https$/ }).optional(),
  }),
]);

const tags = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .refine((t) => Object.keys(t).length <= 45, "at most 45 tags (AWS allows 50; oidc-bridge adds its own)");

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
          .regex(/^[a-z0-9]+$/, "must be an Azure region name like germanywestcentral")
          .default("germanywestcentral"),
        resourceGroup: names.resourceGroupName.default("aws-oidc-rg"),
        identityName: names.identityName.default("aws-oidc-identity"),
        network: z
          .strictObject({
            vnetName: names.azureResourceName.default("oidc-vnet"),
            addressSpace: cidr.default("10.42.0.0/16"),
            subnetName: names.azureResourceName.default("oidc-subnet"),
            subnetPrefix: cidr.default("10.42.2.0/24"),
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
              .regex(/^[A-Za-z0-9_]+$/, "must be a VM size like Standard_B2pts_v2")
              .default("Standard_B2pts_v2"),
            image: z
              .strictObject({
                publisher: z.string().min(1).default("Debian"),
                offer: z.string().min(1).default("debian-13-daily"),
                sku: z.string().min(1).default("13-arm64"),
                version: z.string().min(1).default("latest"),
              })
              .prefault({}),
            adminUsername: names.adminUsername.default("adminuser"),
            sshKeyName: names.azureResourceName.default("oidc-ssh-key"),
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
          .array(
            z
              .string()
              .regex(
                /^(arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+|[\w+=,.@-]+)$/,
                "must be an AWS managed policy name (AmazonS3ReadOnlyAccess) or a policy ARN",
              ),
          )
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
        audience: z
          .string()
          .min(1)
          .max(255, "IAM client IDs are at most 255 characters")
          .default("https://management.core.windows.net/"),
      })
      .prefault({}),
    adminCidrs: z
      .union([z.literal("auto"), z.array(cidr).min(1, 'list at least one CIDR, or use "auto"')])
      .default("auto")
      .describe('"auto" (this machine\'s public address as /32) or the CIDRs allowed to reach SSH')
      .refine(
        (v) => v === "auto" || !v.some((c) => (parseCidr(c)?.bits ?? 32) < 8),
        "must not open SSH to a range wider than /8 (0.0.0.0/0 is the whole internet); list your own addresses",
      ),
    tags: tags.default({}),
  })
  .superRefine((config, ctx) => {
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

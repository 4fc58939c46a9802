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
        cloud: azureCloud
          .default("AzurePublicCloud")
          .describe("which Azure cloud: its ARM, sign-in and token issuer hosts (or an object of your own endpoints)"),
        subscriptionId: names.guid.optional().describe("Azure subscription; else AZURE_SUBSCRIPTION_ID"),
        tenantId: names.guid.optional().describe("Entra tenant; else discovered from the signed-in credential"),
        location: z
          .string()
          .regex(/^[a-z0-9]{1,40}$/, "must be an Azure region name like germanywestcentral")
          .default("germanywestcentral")
          .describe("Azure region of the resource group and everything in it"),
        resourceGroup: names.resourceGroupName
          .default("aws-oidc-rg")
          .describe("resource group for the identity, network and VM; an existing one is used and never deleted"),
        identityName: names.identityName
          .default("aws-oidc-identity")
          .describe("user-assigned managed identity: the only principal the IAM role trusts (its principal id is sub)"),
        network: z
          .strictObject({
            vnetName: names.vnetName.default("oidc-vnet").describe("virtual network of the VM"),
            addressSpace: networkCidr("address space")
              .default("10.42.0.0/16")
              .describe("the VNet's range: private space (10/8, 172.16/12, 192.168/16), /8 to /29"),
            subnetName: names.azureResourceName.default("oidc-subnet").describe("subnet of the VM's network interface"),
            subnetPrefix: networkCidr("subnet")
              .default("10.42.2.0/24")
              .describe("the subnet's range, inside addressSpace"),
            publicIpName: names.azureResourceName
              .default("oidc-pip")
              .describe("Standard SKU static public IPv4 address, the one SSH reaches"),
            nicName: names.azureResourceName
              .default("oidc-nic")
              .describe("network interface: subnet, public IP and security group"),
            nsgName: names.azureResourceName
              .default("oidc-nsg")
              .describe("network security group: one inbound allow rule, TCP 22 from adminCidrs"),
          })
          .prefault({}),
        vm: z
          .strictObject({
            name: names.vmName
              .default("oidc-vm")
              .describe("the VM, its computer name and its AWS session name (role_session_name, seen in CloudTrail)"),
            size: z
              .string()
              .regex(/^[A-Za-z0-9_]{1,64}$/, "must be a VM size like Standard_B2pts_v2")
              .default("Standard_B2pts_v2")
              .describe("VM size; must suit the image's architecture (the default image is arm64)"),
            image: z
              .strictObject({
                publisher: imagePart.default("Debian").describe("Marketplace image publisher"),
                offer: imagePart.default("debian-13-daily").describe("Marketplace image offer"),
                sku: imagePart.default("13-arm64").describe("Marketplace image SKU"),
                version: z
                  .string()
                  .regex(/^(latest|\d+\.\d+\.\d+)$/, 'must be "latest" or a version like 0.20250101.1234')
                  .default("latest")
                  .describe('image version, or "latest"'),
              })
              .prefault({}),
            adminUsername: names.adminUsername
              .default("adminuser")
              .describe("the VM's only login (key only, no password); Azure refuses admin, root, user and others"),
            sshKeyName: names.azureResourceName
              .default("oidc-ssh-key")
              .describe("SSH public key resource; the private key is `<state-dir>/ssh/<sshKeyName>`, 0600"),
            keyType: z
              .enum(["ed25519", "rsa"])
              .default("ed25519")
              .describe("the admin SSH key: ed25519, or rsa (4096 bits); --key-type sets it"),
            timeouts: z
              .strictObject({
                provisioningSeconds: waitSeconds(900).describe("longest wait for Azure to finish provisioning the VM"),
                sshSeconds: waitSeconds(300).describe("longest wait for SSH to answer"),
                cloudInitSeconds: waitSeconds(900).describe(
                  "longest wait for cloud-init to finish installing packages",
                ),
              })
              .prefault({})
              .describe("how long each wait for the VM may take: provisioning, SSH answering, cloud-init"),
          })
          .prefault({}),
      })
      .prefault({}),
    aws: z
      .strictObject({
        region: names.awsRegion
          .default("eu-central-1")
          .describe("AWS region of the SSM parameter and of the VM's AWS profile (IAM is global)"),
        profile: z.string().min(1).optional().describe("Named profile; else AWS_PROFILE or the default chain"),
        roleName: names.iamRoleName
          .default("azure-vm")
          .describe("IAM role the VM assumes; its trust policy admits only the identity's sub with oidc.audience"),
        managedPolicies: z
          .array(names.policyRef)
          .max(20, "IAM allows at most 20 managed policies per role")
          .default(["AmazonS3ReadOnlyAccess"])
          .describe("AWS managed policy names (the partition comes from the caller) or full policy ARNs"),
        ssmParameterName: names.ssmParameterName
          .default("/azure/oidc/role-arn")
          .describe("SSM String parameter that holds the role ARN (as in the write-up)"),
        maxSessionDuration: z
          .number()
          .int()
          .min(3600, "must be 3600-43200 seconds")
          .max(43200, "must be 3600-43200 seconds")
          .default(3600)
          .describe("longest session of the role, in seconds (3600-43200)"),
      })
      .prefault({}),
    oidc: z
      .strictObject({
        audience: names.audience
          .default("https://management.core.windows.net/")
          .describe(
            "the token's aud: the provider's client ID and a trust policy condition; an app ID URI of your tenant is safer than the default",
          ),
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
    tags: tags
      .default({})
      .describe("tags on every resource created, beside oidc-bridge's own managed-by and oidc-bridge-deployment"),
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

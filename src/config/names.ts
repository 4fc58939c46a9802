import { z } from "zod";

/**
 * Each cloud's own naming rules, checked before any call so a bad name fails in a second with the
 * rule spelled out, not minutes later with a cloud error.
 */
export const iamRoleName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, "must be 1-64 characters of letters, digits and + = , . @ _ - (IAM role name rules)");

export const resourceGroupName = z
  .string()
  .regex(
    /^[-\w.()]{1,90}$/u,
    "must be 1-90 characters of letters, digits, underscore, hyphen, period and parentheses (Azure resource group rules)",
  )
  .refine((s) => !s.endsWith("."), "must not end with a period (Azure resource group rules)");

export const identityName = z
  .string()
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/,
    "must be 3-128 characters, start with a letter or digit, then letters, digits, hyphens and underscores (Azure managed identity rules)",
  );

/** Virtual network names: 2-64, letters/digits/underscore/period/hyphen, start alnum, end alnum or underscore. */
export const vnetName = z
  .string()
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9_]$/,
    "must be 2-64 characters of letters, digits, underscore, period and hyphen, starting with a letter or digit and not ending with a period or hyphen (Azure virtual network rules)",
  );

/** Names of network resources and VMs: 1-80, letters/digits/underscore/period/hyphen, start alnum, end alnum or underscore. */
export const azureResourceName = z
  .string()
  .regex(
    /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?$/,
    "must be 1-80 characters of letters, digits, underscore, period and hyphen, starting with a letter or digit and not ending with a period or hyphen (Azure naming rules)",
  );

export const vmName = z
  .string()
  .regex(
    /^[a-zA-Z0-9](?:[a-zA-Z0-9.-]{0,62}[a-zA-Z0-9])?$/,
    "must be 1-64 characters of letters, digits, period and hyphen, not starting or ending with a period or hyphen (Azure Linux VM rules)",
  )
  .refine((s) => !/^\d+$/.test(s), "must not be only digits (Azure Linux VM rules)");

/** Azure rejects these administrator names outright. */
const RESERVED_ADMIN_NAMES = new Set(
  "administrator admin user user1 test user2 test1 user3 admin1 1 123 a actuser adm admin2 aspnet backup console david guest john owner root server sql support support_388945a0 sys test2 test3 user4 user5".split(
    " ",
  ),
);

export const adminUsername = z
  .string()
  .regex(
    /^[a-z_][a-z0-9_-]{0,31}$/,
    "must be 1-32 characters of lower-case letters, digits, underscore and hyphen, starting with a letter or underscore (Linux user name rules)",
  )
  .refine(
    (s) => !RESERVED_ADMIN_NAMES.has(s),
    "is reserved by Azure; choose another administrator name (e.g. azureuser)",
  );

/** SSM's own limits: a parameter path has at most 15 levels. */
export const SSM_MAX_LEVELS = 15;

export const ssmParameterName = z
  .string()
  .regex(
    /^(\/[a-zA-Z0-9_.-]+)+$|^[a-zA-Z0-9_.-]+$/,
    "must be a path like /azure/oidc/role-arn of letters, digits and _ . - (SSM parameter rules: a path starts with /, no empty levels)",
  )
  .max(1011, "must be at most 1011 characters (SSM parameter rules)")
  .refine((s) => !/^\/?(aws|ssm)/i.test(s), "must not start with aws or ssm (reserved by SSM)")
  .refine(
    (s) => s.replace(/^\//, "").split("/").length <= SSM_MAX_LEVELS,
    `must have at most ${SSM_MAX_LEVELS} levels (SSM parameter hierarchy limit)`,
  );

/**
 * An AWS managed policy name (optionally under its path, as in service-role/AmazonEC2RoleforSSM)
 * or a policy ARN, by IAM's own patterns: path segments of [A-Za-z0-9.,+@=_-], a name of
 * [\w+=,.@-] up to 128 characters. "." and ".." are refused as segments: IAM does not resolve them.
 */
export function policyRefProblem(ref: string): string | undefined {
  const arn = /^arn:([a-z-]+):iam::([^:]*):policy(\/.*)$/.exec(ref);
  const pathAndName = arn ? (arn[3] as string).slice(1) : ref;
  if (arn) {
    if (!["aws", "aws-cn", "aws-us-gov"].includes(arn[1] as string))
      return `has an unknown partition "${arn[1]}" (aws, aws-cn or aws-us-gov)`;
    if (!/^(aws|\d{12})$/.test(arn[2] as string))
      return `must name the account "aws" (managed by AWS) or a 12-digit account id, got "${arn[2]}"`;
    if (ref.length > 2048) return "must be at most 2048 characters (IAM ARN rules)";
  } else if (ref.startsWith("arn:")) {
    return "must be a policy ARN like arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
  }
  const parts = pathAndName.split("/");
  const name = parts.pop() as string;
  if (!/^[\w+=,.@-]{1,128}$/.test(name))
    return "must end in a policy name of 1-128 letters, digits and + = , . @ _ - (IAM policy name rules)";
  for (const part of parts) {
    if (part === "." || part === "..") return `must not contain "${part}" as a path segment (IAM policy path rules)`;
    if (!/^[A-Za-z0-9.,+@=_-]+$/.test(part))
      return `has a path segment "${part}" that is not 1 or more of letters, digits and . , + @ = _ - (IAM policy path rules)`;
  }
  if (parts.join("/").length + 2 > 512) return "must have a path of at most 512 characters (IAM policy path rules)";
  if (name === "." || name === "..") return `must not be "${name}"`;
  return undefined;
}

export const policyRef = z.string().superRefine((ref, ctx) => {
  const problem = policyRefProblem(ref);
  if (problem) ctx.addIssue({ code: "custom", message: problem, input: ref });
});

/**
 * Tags go on AWS and Azure resources alike, so a tag must pass both: AWS's characters (letters,
 * digits, spaces and _ . : / = + - @), Azure's ban on < > % & \ ? / in names, neither cloud's
 * reserved prefixes, and not one of the keys oidc-bridge sets itself.
 */
export const OWN_TAG_KEYS = ["managed-by", "oidc-bridge-deployment"];

export const tagKey = z
  .string()
  .min(1, "tag keys must not be empty")
  .max(128, "tag keys are at most 128 characters (AWS tag rules)")
  .regex(
    /^[\p{L}\p{Z}\p{N}_.:=+@-]+$/u,
    "tag keys may hold only letters, digits, spaces and _ . : = + - @ (AWS tag rules; Azure also forbids /)",
  )
  .refine((k) => !/^aws:/i.test(k), 'tag keys must not start with "aws:" (reserved by AWS)')
  .refine(
    (k) => !OWN_TAG_KEYS.includes(k.toLowerCase()),
    `tag keys ${OWN_TAG_KEYS.join(" and ")} are set by oidc-bridge`,
  )
  .refine((k) => k !== "__proto__", "a tag key must not be __proto__");

export const tagValue = z
  .string()
  .max(256, "tag values are at most 256 characters (AWS and Azure tag rules)")
  .regex(
    /^[\p{L}\p{Z}\p{N}_.:/=+@-]*$/u,
    "tag values may hold only letters, digits, spaces and _ . : / = + - @ (AWS tag rules)",
  );

/**
 * The token audience: the resource a managed identity asks Entra for (an https URL or an api://
 * application ID URI) and the client ID IAM compares it with (at most 255 characters).
 */
export const audience = z
  .string()
  .max(255, "must be at most 255 characters (IAM client ID rules)")
  .superRefine((value, ctx) => {
    const problem = audienceProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
  });

function audienceProblem(value: string): string | undefined {
  const rule = "must be an https URL (https://management.core.windows.net/) or an api:// application ID URI";
  if (/[\s\p{Cc}]/u.test(value)) return `${rule}, with no spaces or control characters`;
  if (value.startsWith("api://")) return value.length > "api://".length ? undefined : `${rule}; api:// needs a name`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return rule;
  }
  if (url.protocol !== "https:" || !url.hostname) return rule;
  if (url.username || url.password) return `${rule}, with no user name or password in it`;
  return undefined;
}

export const guid = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    "must be a GUID like 00000000-0000-0000-0000-000000000000",
  );

export const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region code like eu-central-1");

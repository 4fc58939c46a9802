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

export const ssmParameterName = z
  .string()
  .regex(
    /^(\/[a-zA-Z0-9_.-]+)+$|^[a-zA-Z0-9_.-]+$/,
    "must be a path like /azure/oidc/role-arn of letters, digits and _ . - (SSM parameter rules)",
  )
  .max(1011, "must be at most 1011 characters (SSM parameter rules)")
  .refine((s) => !/^\/?(aws|ssm)/i.test(s), "must not start with aws or ssm (reserved by SSM)");

export const guid = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    "must be a GUID like 00000000-0000-0000-0000-000000000000",
  );

export const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region code like eu-central-1");

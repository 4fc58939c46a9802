// zod/mini keeps the start-up path light: every command validates these first.
import * as z from "zod/mini";

/** The global flags, validated before any command runs; each message names its flag. */
export const globalOptionsSchema = z.object({
  config: z.optional(z.string().check(z.minLength(1, "-c/--config needs a file path"))),
  stateDir: z._default(z.string().check(z.minLength(1, "--state-dir needs a folder path")), ".oidc-bridge"),
  sandbox: z._default(z.boolean(), false),
  json: z._default(z.boolean(), false),
  yes: z._default(z.boolean(), false),
  debug: z._default(z.boolean(), false),
  color: z._default(z.boolean(), true),
  awsProfile: z.optional(z.string().check(z.minLength(1, "--aws-profile needs a profile name"))),
  awsRegion: z.optional(
    z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "--aws-region must be a region code like eu-central-1")),
  ),
  subscription: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
          "--subscription must be a subscription GUID",
        ),
      ),
  ),
  tenant: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
          "--tenant must be a tenant GUID",
        ),
      ),
  ),
});
export type GlobalOptions = z.infer<typeof globalOptionsSchema>;

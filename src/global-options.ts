import { z } from "zod";

/** The global flags, validated before any command runs (loaded only when a command runs). */
export const globalOptionsSchema = z.object({
  config: z.string().min(1, "-c/--config needs a file path").optional(),
  stateDir: z.string().min(1, "--state-dir needs a folder path").default(".oidc-bridge"),
  sandbox: z.boolean().default(false),
  json: z.boolean().default(false),
  yes: z.boolean().default(false),
  debug: z.boolean().default(false),
  color: z.boolean().default(true),
  awsProfile: z.string().min(1, "--aws-profile needs a profile name").optional(),
  awsRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "--aws-region must be a region code like eu-central-1").optional(),
  subscription: z.string().regex(/^[0-9a-fA-F-]{36}$/, "--subscription must be a subscription GUID").optional(),
  tenant: z.string().regex(/^[0-9a-fA-F-]{36}$/, "--tenant must be a tenant GUID").optional(),
});
export type GlobalOptions = z.infer<typeof globalOptionsSchema>;

import { SANDBOX_AUDIENCE_APP_ID_URI, SANDBOX_SUBSCRIPTION_ID } from "../sandbox/index.js";
import type { ConfigInput } from "./schema.js";

/**
 * The complete built-in config of `--sandbox`: no file needed. The subscription is the sandbox's;
 * the tenant is left out on purpose, so it is found by signing in, through the real
 * @azure/identity code path. The admin address is "auto": the sandbox's own what-is-my-IP
 * answers with a documentation address, so the NSG rule looks as it would in Azure.
 */
export const SANDBOX_CONFIG: ConfigInput = {
  azure: {
    subscriptionId: SANDBOX_SUBSCRIPTION_ID,
    location: "germanywestcentral",
  },
  aws: { region: "eu-central-1" },
  // The safe choice the README recommends: an app of the tenant as audience, not a Microsoft API.
  oidc: { audience: SANDBOX_AUDIENCE_APP_ID_URI },
  adminCidrs: "auto",
  tags: { environment: "sandbox" },
};

import { SANDBOX_SUBSCRIPTION_ID } from "../sandbox/index.js";
import type { ConfigInput } from "./schema.js";

/**
 * The complete built-in config of `--sandbox`: no file needed. The subscription is the sandbox's;
 * the tenant is left out on purpose, so it is found by signing in, through the real
 * @azure/identity code path. SSH is open only to loopback, where the sandbox VMs listen.
 */
export const SANDBOX_CONFIG: ConfigInput = {
  azure: {
    subscriptionId: SANDBOX_SUBSCRIPTION_ID,
    location: "germanywestcentral",
  },
  aws: { region: "eu-central-1" },
  adminCidrs: ["127.0.0.1/32"],
  tags: { environment: "sandbox" },
};

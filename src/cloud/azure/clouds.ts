import type { Config } from "../../config/schema.js";

/** Endpoints of one Azure cloud: where ARM is, where to sign in, who issues v1 tokens. */
export interface AzureCloudEndpoints {
  readonly resourceManager: string;
  readonly authorityHost: string;
  /** ARM tokens are requested for `<armAudience>/.default`. */
  readonly armAudience: string;
  /** v1 tokens' issuer is `<stsHost>/<tenant>/`. */
  readonly stsHost: string;
}

const KNOWN: Record<Exclude<Config["azure"]["cloud"], object>, AzureCloudEndpoints> = {
  AzurePublicCloud: {
    resourceManager: "https://management.azure.com",
    authorityHost: "https://login.microsoftonline.com",
    armAudience: "https://management.azure.com",
    stsHost: "https://sts.windows.net",
  },
  AzureChinaCloud: {
    resourceManager: "https://management.chinacloudapi.cn",
    authorityHost: "https://login.chinacloudapi.cn",
    armAudience: "https://management.chinacloudapi.cn",
    stsHost: "https://sts.chinacloudapi.cn",
  },
  AzureUSGovernment: {
    resourceManager: "https://management.usgovcloudapi.net",
    authorityHost: "https://login.microsoftonline.us",
    armAudience: "https://management.usgovcloudapi.net",
    stsHost: "https://sts.windows.net",
  },
};

export function cloudEndpoints(cloud: Config["azure"]["cloud"]): AzureCloudEndpoints {
  if (typeof cloud === "string") return KNOWN[cloud];
  const trim = (u: string): string => u.replace(/\/+$/, "");
  return {
    resourceManager: trim(cloud.resourceManager),
    authorityHost: trim(cloud.authorityHost),
    armAudience: trim(cloud.armAudience ?? cloud.resourceManager),
    stsHost: trim(cloud.stsHost ?? cloud.authorityHost),
  };
}

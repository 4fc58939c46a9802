/**
 * The VM's cloud-init user data: only the tools the token exchange needs. No Azure CLI: the token
 * comes straight from the instance metadata service (installing the CLI by `curl | bash` is slow
 * and not needed).
 */
export const CLOUD_CONFIG = [
  "#cloud-config",
  "package_update: true",
  "packages:",
  "  - awscli",
  "  - curl",
  "  - jq",
  "",
].join("\n");

export function userDataBase64(): string {
  return Buffer.from(CLOUD_CONFIG).toString("base64");
}

import { join } from "node:path";

/**
 * What a sandbox VM's commands and services get on top of the VM's own variables (HOME, USER,
 * PATH…): where "169.254.169.254" is, and where the AWS services and their CA are. A real VM needs
 * none of this; here the VM shares the host's network namespace, so its AWS CLI (the host's) and
 * the JS SDK must be told to use the sandbox. Only endpoint and CA variables: no credentials, so
 * the AWS client on the VM gets its identity only from the profile and token file configure wrote.
 */
export function vmEnvironment(
  sandboxDir: string,
  endpoints: Readonly<Record<string, string>>,
  imdsUrl: string,
): Record<string, string> {
  const caFile = join(sandboxDir, "ca", "root-ca.pem");
  const env: Record<string, string> = {
    // Azure's SDKs and the token refresher read the metadata service's base URL from here.
    IMDS_ENDPOINT: imdsUrl,
    // botocore (aws CLI, since 1.31) and the AWS SDK for JS v3 read these per service.
    AWS_CA_BUNDLE: caFile,
    NODE_EXTRA_CA_CERTS: caFile,
  };
  for (const [service, name] of [
    ["sts", "AWS_ENDPOINT_URL_STS"],
    ["s3", "AWS_ENDPOINT_URL_S3"],
    ["iam", "AWS_ENDPOINT_URL_IAM"],
    ["ssm", "AWS_ENDPOINT_URL_SSM"],
  ] as const) {
    const url = endpoints[service];
    if (url) env[name] = url;
  }
  return env;
}

/**
 * What an STS refusal most likely means in this set-up, from the error code and message users see
 * (`aws s3 ls` on the VM prints "An error occurred (CODE) when calling the … operation: MESSAGE").
 */
export interface StsDiagnosis {
  readonly cause: string;
  readonly fix: string;
}

export function diagnoseStsError(code: string, message: string): StsDiagnosis | undefined {
  switch (code) {
    case "AccessDenied":
      if (/AssumeRoleWithWebIdentity/i.test(message))
        return {
          cause:
            "the role's trust policy does not accept this token: its sub or aud condition does not match, or it names another provider",
          fix: "run `oidc-bridge identity` to rewrite the trust policy for the VM's identity (a role younger than a minute may just not be ready)",
        };
      return {
        cause: "the role's policies do not allow this call",
        fix: "attach a policy that allows it (aws.managedPolicies), then run `oidc-bridge identity`",
      };
    case "InvalidIdentityToken":
      if (/no OpenIDConnect provider|provider.*not found|No OpenIDConnect/i.test(message))
        return {
          cause: "IAM has no OIDC provider for the token's issuer (deleted, or another tenant)",
          fix: "run `oidc-bridge trust`",
        };
      if (/audience|aud|client/i.test(message))
        return {
          cause: "the token's audience is not among the provider's client IDs",
          fix: "run `oidc-bridge trust` to add oidc.audience to the provider",
        };
      if (/thumbprint|certificate/i.test(message))
        return {
          cause: "the provider's thumbprints do not match the issuer's TLS certificate",
          fix: "run `oidc-bridge trust` to refresh the thumbprints",
        };
      return {
        cause: "STS could not validate the token: its signature, issuer or format is wrong",
        fix: "run `oidc-bridge configure` to fetch a fresh token from the metadata service",
      };
    case "ExpiredTokenException":
      return {
        cause: "the token on the VM has expired: the refresher is not running",
        fix: "run `oidc-bridge configure`, then check `journalctl --user -u oidc-bridge-token` on the VM",
      };
    case "IDPCommunicationError":
      return {
        cause:
          "AWS could not reach the issuer's OpenID configuration or keys (an Entra outage, or a network problem on AWS's side)",
        fix: "retry in a few minutes; if it persists, check the Azure status page",
      };
    case "IDPRejectedClaim":
      return {
        cause: "the issuer rejected the token's claims",
        fix: "run `oidc-bridge configure` to fetch a fresh token",
      };
    default:
      return undefined;
  }
}

/** The code and message from the AWS CLI's "An error occurred (CODE) when calling …: MESSAGE". */
export function parseCliError(stderr: string): { code: string; operation: string; message: string } | undefined {
  const m =
    /An error occurred \(([^)]+)\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?: (.*)/.exec(
      stderr,
    );
  return m ? { code: m[1] ?? "", operation: m[2] ?? "", message: (m[3] ?? "").trim() } : undefined;
}

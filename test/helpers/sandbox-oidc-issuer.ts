import type { JWK } from "jose";
import type { SandboxService } from "../../src/sandbox/harness/types.js";

/** A minimal HTTPS OIDC issuer on the sandbox CA: discovery document at /tenant/ and key set. */
export function issuerService(keys: JWK[]): SandboxService {
  return {
    name: "test-issuer",
    listeners: [{ name: "issuer", tls: true }],
    faultResponse: () => ({ status: 500, operation: "Fault" }),
    handle(req, ctx) {
      const base = ctx.endpoints.issuer;
      if (req.path === "/tenant/.well-known/openid-configuration") {
        return Promise.resolve({
          status: 200,
          operation: "Discovery",
          body: { issuer: `${base}/tenant/`, jwks_uri: `${base}/keys` },
        });
      }
      if (req.path === "/keys") return Promise.resolve({ status: 200, operation: "Keys", body: { keys } });
      return Promise.resolve({ status: 404, operation: "NotFound", body: "" });
    },
  };
}

/** A role trust policy: only tokens of `issuer` with this audience and subject may assume it. */
export function webIdentityTrust(
  providerArn: string | undefined,
  issuer: string,
  audience: string,
  sub: string,
): string {
  const hostPath = issuer.replace("https://", "");
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${hostPath}:aud`]: audience, [`${hostPath}:sub`]: sub } },
      },
    ],
  });
}

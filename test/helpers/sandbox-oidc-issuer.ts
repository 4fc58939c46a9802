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

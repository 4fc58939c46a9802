import type { JWTPayload } from "jose";
import { describe, expect, it } from "vitest";
import { checkClaims, type ExpectedClaims } from "../../src/oidc/claims.js";
import { diagnoseStsError, parseCliError } from "../../src/verify/sts-errors.js";

const now = 1_800_000_000;
const expected: ExpectedClaims = {
  issuer: "https://sts.windows.net/tid/",
  clientIds: ["api://AzureADTokenExchange"],
  subject: "principal-1",
  now,
};
const good = { iss: expected.issuer, aud: "api://AzureADTokenExchange", sub: "principal-1", exp: now + 20 * 3600 };
const statusOf = (claims: JWTPayload, id: string) => checkClaims(claims, expected).find((c) => c.id === id);

describe("token claims as AWS will judge them", () => {
  it("passes a v1 token for the provider's audience and the trusted subject", () => {
    expect(checkClaims(good, expected).map((c) => c.status)).toEqual(["pass", "pass", "pass", "pass"]);
  });

  it("fails a subject the trust policy does not name, with the command that fixes it", () => {
    const check = statusOf({ ...good, sub: "principal-2" }, "token-subject");
    expect(check?.status).toBe("fail");
    expect(check?.hint).toContain("oidc-bridge identity");
  });

  it("fails an audience the provider does not list", () => {
    expect(statusOf({ ...good, aud: "api://other" }, "token-audience")?.status).toBe("fail");
  });

  it("warns when the audience is a Microsoft API, because the token also opens that API", () => {
    const config = { ...expected, clientIds: ["https://management.core.windows.net/"] };
    const check = checkClaims({ ...good, aud: "https://management.core.windows.net/" }, config)[1];
    expect(check?.status).toBe("warn");
  });

  it("warns on a v2 token and fails an issuer from another tenant", () => {
    const v2 = { ...good, iss: "https://login.microsoftonline.com/tid/v2.0", ver: "2.0" };
    expect(statusOf(v2, "token-issuer")?.status).toBe("warn");
    expect(statusOf({ ...good, iss: "https://sts.windows.net/other/" }, "token-issuer")?.status).toBe("fail");
  });

  it("fails an expired token and warns on one expiring within the hour", () => {
    expect(statusOf({ ...good, exp: now - 10 }, "token-fresh")?.status).toBe("fail");
    expect(statusOf({ ...good, exp: now + 600 }, "token-fresh")?.status).toBe("warn");
  });
});

describe("STS errors as users see them", () => {
  it("reads the code and message from the AWS CLI's error line", () => {
    expect(
      parseCliError(
        "\nAn error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity\n",
      ),
    ).toEqual({
      code: "AccessDenied",
      operation: "AssumeRoleWithWebIdentity",
      message: "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    });
  });

  it("names the likely cause of each refusal in this set-up", () => {
    expect(diagnoseStsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")?.fix).toContain(
      "oidc-bridge identity",
    );
    expect(
      diagnoseStsError(
        "InvalidIdentityToken",
        "No OpenIDConnect provider found in your account for https://sts.windows.net/x/",
      )?.fix,
    ).toBe("run `oidc-bridge trust`");
    expect(diagnoseStsError("InvalidIdentityToken", "Incorrect token audience")?.cause).toContain("audience");
    expect(
      diagnoseStsError(
        "ExpiredTokenException",
        "Token expired: current date/time 1 must be before the expiration date/time 0",
      )?.cause,
    ).toContain("expired");
    expect(diagnoseStsError("IDPCommunicationError", "")?.fix).toContain("retry");
    expect(diagnoseStsError("Throttling", "Rate exceeded")).toBeUndefined();
  });
});

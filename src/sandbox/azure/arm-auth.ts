import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { SandboxRequest, SandboxResponse, ServiceContext } from "../harness/types.js";
import { SANDBOX_TENANT_ID } from "../constants.js";
import { armError } from "./arm-errors.js";
import { entraUrl, v1Issuer, v2Issuer } from "./entra-urls.js";
import { publicJwk, publishedSigningKeys } from "./signing-keys.js";
import type { AzureState } from "./state.js";

/**
 * ARM's bearer-token check: signed by a key the sandbox Entra publishes, issued by the sandbox
 * tenant, not expired (5 min skew, as Microsoft's validators allow), for an ARM audience, carrying
 * an object id. Failures answer 401 with ARM's codes and a `WWW-Authenticate` challenge whose
 * authorization_uri names the tenant (tools read it to discover a subscription's tenant).
 */

export const ARM_AUDIENCES: readonly string[] = [
  "https://management.core.windows.net/",
  "https://management.core.windows.net",
  "https://management.azure.com/",
  "https://management.azure.com",
];
const CLOCK_SKEW_S = 300;

export interface ArmCaller {
  readonly oid: string;
  readonly appid: string | undefined;
  readonly claims: JWTPayload;
}

export async function authenticateArm(
  req: SandboxRequest,
  ctx: ServiceContext,
  state: AzureState,
  operation: string,
): Promise<ArmCaller | SandboxResponse> {
  const authority = `${entraUrl(ctx)}/${SANDBOX_TENANT_ID}`;
  const deny = (code: string, message: string, description = message): SandboxResponse =>
    armError(401, code, message, operation, {
      headers: {
        "WWW-Authenticate": `Bearer authorization_uri="${authority}", error="invalid_token", error_description="${description}"`,
      },
    });

  const raw = req.headers.authorization;
  if (!raw) {
    return deny(
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is missing.",
      "The authentication failed because of missing 'Authorization' header.",
    );
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(raw);
  if (!match?.[1]) {
    return deny(
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
      "The authentication failed because of invalid 'Authorization' header format.",
    );
  }

  const keys = createLocalJWKSet({ keys: publishedSigningKeys(state, ctx.now()).map((k) => publicJwk(k)) });
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(match[1], keys, {
      algorithms: ["RS256"],
      currentDate: new Date(ctx.now()),
      clockTolerance: CLOCK_SKEW_S,
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired && typeof err.payload.exp === "number") {
      return deny(
        "ExpiredAuthenticationToken",
        `The access token expiry UTC time '${dotNetUtc(err.payload.exp * 1000)}' is earlier than current UTC time ` +
          `'${dotNetUtc(ctx.now())}'.`,
      );
    }
    return deny("InvalidAuthenticationToken", "The access token is invalid.");
  }

  const tid = typeof claims.tid === "string" ? claims.tid : "";
  const iss = claims.iss ?? "";
  const sandboxIssuers = [v1Issuer(ctx), v2Issuer(ctx)];
  if (tid.toLowerCase() !== SANDBOX_TENANT_ID || !sandboxIssuers.includes(iss)) {
    return deny(
      "InvalidAuthenticationTokenTenant",
      `The access token is from the wrong issuer '${iss}'. It must match the tenant '${v1Issuer(ctx)}' associated ` +
        `with this subscription. Please use the authority (URL) '${authority}' to get the token. Note, if the ` +
        "subscription is transferred to another tenant there is no impact to the services, but information about " +
        "new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see " +
        "this error message, please try back later.",
    );
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud ?? ""];
  if (!audiences.some((aud) => ARM_AUDIENCES.includes(aud))) {
    return deny(
      "InvalidAuthenticationTokenAudience",
      `The access token has been obtained for wrong audience or resource '${audiences.join(",")}'. It should exactly ` +
        `match with one of the allowed audiences ${ARM_AUDIENCES.map((a) => `'${a}'`).join(",")}.`,
    );
  }
  if (typeof claims.oid !== "string" || claims.oid.length === 0) {
    return deny(
      "InvalidAuthenticationToken",
      "The received access token is not valid: at least one of the claims 'puid' or 'altsecid' or 'oid' should be " +
        "present. If you are accessing as application please make sure service principal is properly created in the tenant.",
    );
  }
  return { oid: claims.oid, appid: typeof claims.appid === "string" ? claims.appid : undefined, claims };
}

export function isArmCaller(value: ArmCaller | SandboxResponse): value is ArmCaller {
  return "oid" in value && "claims" in value;
}

/** .NET's invariant "M/d/yyyy h:mm:ss tt" in UTC, as ARM prints times in its messages. */
function dotNetUtc(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const pad = (n: number): string => String(n).padStart(2, "0");
  return (
    `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hours % 12 === 0 ? 12 : hours % 12}:` +
    `${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${hours < 12 ? "AM" : "PM"}`
  );
}

import { timingSafeEqual } from "node:crypto";
import type { SandboxRequest, SandboxResponse, ServiceContext } from "../harness/types.js";
import { SANDBOX_CLIENT_ID } from "../constants.js";
import { entraError, entraHeaders } from "./entra-errors.js";
import { entraUrl } from "./entra-urls.js";
import { DIRECTORY_NAME, isKnownResource, unknownResourceMessage } from "./entra-resources.js";
import { issueToken } from "./token-issuer.js";
import type { AzureState } from "./state.js";

/**
 * The token endpoint, v2 (`/<tenant>/oauth2/v2.0/token`, `scope`) and v1 (`/<tenant>/oauth2/token`,
 * `resource`). Only the client-credentials grant of the sandbox service principal is supported;
 * both versions issue v1 access tokens, as Entra does for ARM and for apps whose
 * accessTokenAcceptedVersion is unset. MSAL's `claims` field (CAE) is accepted and ignored.
 */

// OIDC scopes MSAL may add; they do not name a resource.
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);

export async function handleTokenRequest(
  req: SandboxRequest,
  ctx: ServiceContext,
  state: AzureState,
  version: 1 | 2,
): Promise<SandboxResponse> {
  const operation = version === 2 ? "Token" : "TokenV1";
  const fail = (status: number, error: string, aadsts: number, message: string): SandboxResponse =>
    entraError({
      status,
      error,
      aadsts,
      message,
      operation,
      entraBase: entraUrl(ctx),
      nowMs: ctx.now(),
      correlationId: header(req, "client-request-id"),
    });

  if (req.method !== "POST") {
    return fail(
      400,
      "invalid_request",
      900561,
      `The endpoint only accepts POST, OPTIONS requests. Received a ${req.method} request.`,
    );
  }
  const form = new URLSearchParams(req.body.toString("utf8"));
  const basic = basicCredentials(header(req, "authorization"));
  const grantType = form.get("grant_type");
  const clientId = form.get("client_id") ?? basic?.id ?? null;
  const clientSecret = form.get("client_secret") ?? basic?.secret ?? null;

  if (!grantType)
    return fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
  if (grantType !== "client_credentials") {
    return fail(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType}'.`);
  }
  if (!clientId)
    return fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");

  const resource = version === 2 ? resourceFromScope(form.get("scope")) : resourceFromForm(form.get("resource"));
  if ("error" in resource) return fail(400, resource.error, resource.aadsts, resource.message);

  const sp = state.servicePrincipal;
  if (!sp || clientId.toLowerCase() !== SANDBOX_CLIENT_ID.toLowerCase()) {
    return fail(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${DIRECTORY_NAME}'. This can ` +
        "happen if the application has not been installed by the administrator of the tenant or consented to by " +
        "any user in the tenant. You may have sent your authentication request to the wrong tenant.",
    );
  }
  if (!clientSecret) {
    return fail(
      401,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (!sameSecret(clientSecret, sp.clientSecret)) {
    return fail(
      401,
      "invalid_client",
      7000215,
      "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, " +
        `not the client secret ID, for a secret added to app '${sp.clientId}'.`,
    );
  }

  if (!isKnownResource(resource.resource)) {
    return fail(400, "invalid_resource", 500011, unknownResourceMessage(resource.resource));
  }

  const token = await issueToken(ctx, state, {
    sub: sp.objectId,
    oid: sp.objectId,
    appid: sp.clientId,
    aud: resource.resource,
  });
  const expiresIn = token.exp - Math.floor(ctx.now() / 1000) - 1;
  const body =
    version === 2
      ? { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token.accessToken }
      : {
          // v1 answers every number as a string.
          token_type: "Bearer",
          expires_in: String(expiresIn),
          ext_expires_in: String(expiresIn),
          expires_on: String(token.exp),
          not_before: String(token.nbf),
          resource: resource.resource,
          access_token: token.accessToken,
        };
  return { status: 200, operation, headers: entraHeaders(), body };
}

type ResourceOrError = { resource: string } | { error: string; aadsts: number; message: string };

/** `<resource>/.default` → `<resource>` (so `https://management.core.windows.net//.default` keeps its slash). */
function resourceFromScope(scope: string | null): ResourceOrError {
  const scopes = (scope ?? "").split(" ").filter((s) => s.length > 0 && !OIDC_SCOPES.has(s));
  if (scopes.length === 0) {
    return {
      error: "invalid_request",
      aadsts: 900144,
      message: "The request body must contain the following parameter: 'scope'.",
    };
  }
  const [first] = scopes;
  if (scopes.length > 1 || !first || !first.endsWith("/.default")) {
    return {
      error: "invalid_scope",
      aadsts: 1002012,
      message:
        `The provided value for scope ${scopes.join(" ")} is not valid. Client credential flows must have a scope ` +
        "value with /.default suffixed to the resource identifier (application ID URI).",
    };
  }
  return { resource: first.slice(0, -"/.default".length) };
}

function resourceFromForm(resource: string | null): ResourceOrError {
  if (!resource) {
    return {
      error: "invalid_request",
      aadsts: 900144,
      message: "The request body must contain the following parameter: 'resource'.",
    };
  }
  return { resource };
}

function basicCredentials(authorization: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  // RFC 6749 2.3.1: both parts are form-urlencoded before base64.
  return {
    id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")),
    secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " ")),
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

function header(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

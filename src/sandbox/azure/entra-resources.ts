import { SANDBOX_AUDIENCE_APP_CLIENT_ID, SANDBOX_AUDIENCE_APP_ID_URI, SANDBOX_CLIENT_ID } from "../constants.js";

/** The sandbox directory's display name, as Entra's messages name a tenant. */
export const DIRECTORY_NAME = "oidc-bridge sandbox";

/**
 * Resources Entra issues tokens for, the token endpoint and IMDS alike: the service principals
 * every tenant has (identifier URIs, compared without case and without one trailing slash), the
 * sandbox service principal by client id, and the dedicated audience app by its application ID
 * URIs and client id. Anything else is AADSTS500011 invalid_resource, as a real tenant answers
 * for an app nobody registered.
 */
const KNOWN_RESOURCES = new Set(
  [
    "https://management.azure.com",
    "https://management.core.windows.net",
    "https://graph.microsoft.com",
    "https://graph.windows.net",
    SANDBOX_CLIENT_ID,
    SANDBOX_AUDIENCE_APP_ID_URI,
    `api://${SANDBOX_AUDIENCE_APP_CLIENT_ID}`,
    SANDBOX_AUDIENCE_APP_CLIENT_ID,
  ].map((r) => r.toLowerCase()),
);

export function isKnownResource(resource: string): boolean {
  return KNOWN_RESOURCES.has(resource.toLowerCase().replace(/\/$/, ""));
}

/** Entra's AADSTS500011 text for a resource the tenant does not hold. */
export function unknownResourceMessage(resource: string): string {
  return (
    `The resource principal named ${resource} was not found in the tenant named ${DIRECTORY_NAME}. This can ` +
    "happen if the application has not been installed by the administrator of the tenant or consented to by any " +
    "user in the tenant. You might have sent your authentication request to the wrong tenant."
  );
}

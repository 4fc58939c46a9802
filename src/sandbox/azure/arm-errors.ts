import { randomUUID } from "node:crypto";
import type { SandboxResponse } from "../harness/types.js";

/**
 * ARM's error envelope `{"error":{"code","message"}}` and the messages ARM really sends for the
 * errors the sandbox produces (public error reports; SPEC.md says which). The
 * router adds the usual ARM headers to every answer, errors included.
 */
export function armError(
  status: number,
  code: string,
  message: string,
  operation: string,
  extra: { headers?: Record<string, string>; target?: string; details?: readonly object[] } = {},
): SandboxResponse {
  return {
    status,
    operation,
    headers: extra.headers ?? {},
    body: {
      error: {
        code,
        message,
        ...(extra.target ? { target: extra.target } : {}),
        ...(extra.details ? { details: extra.details } : {}),
      },
    },
  };
}

export const armErrors = {
  missingApiVersion: (operation: string) =>
    armError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
      operation,
    ),

  /** ARM's own resource types (resource groups, subscriptions) reject versions themselves. */
  invalidApiVersion: (operation: string, version: string, supported: readonly string[]) =>
    armError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${version}' is invalid. The supported versions are '${supported.join(",")}'.`,
      operation,
    ),

  /** Resource-provider types: ARM finds no provider registration for that version. */
  noRegisteredProvider: (
    operation: string,
    location: string,
    version: string,
    type: string,
    supported: readonly string[],
  ) =>
    armError(
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location '${location}' and API version '${version}' for type ` +
        `'${type}'. The supported api-versions are '${supported.join(", ")}'. The supported locations are ` +
        `'${SUPPORTED_LOCATIONS.join(", ")}'.`,
      operation,
    ),

  invalidSubscriptionId: (operation: string, sub: string) =>
    armError(
      400,
      "InvalidSubscriptionId",
      `The provided subscription identifier '${sub}' is malformed or invalid.`,
      operation,
    ),

  subscriptionNotFound: (operation: string, sub: string) =>
    armError(404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`, operation),

  resourceGroupNotFound: (operation: string, rg: string) =>
    armError(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`, operation),

  resourceGroupBeingDeleted: (operation: string, rg: string) =>
    armError(
      409,
      "ResourceGroupBeingDeleted",
      `The resource group '${rg}' is in deprovisioning state and cannot perform this operation.`,
      operation,
    ),

  resourceNotFound: (operation: string, typeAndName: string, rg: string) =>
    armError(
      404,
      "ResourceNotFound",
      `The Resource '${typeAndName}' under resource group '${rg}' was not found. For more details please go to ` +
        "https://aka.ms/ARMResourceNotFoundFix",
      operation,
    ),

  invalidResourceType: (operation: string, type: string, namespace: string, version: string) =>
    armError(
      404,
      "InvalidResourceType",
      `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${version}'.`,
      operation,
    ),

  invalidResourceNamespace: (operation: string, namespace: string) =>
    armError(400, "InvalidResourceNamespace", `The resource namespace '${namespace}' is invalid.`, operation),

  notFound: (operation: string) =>
    armError(404, "NotFound", "The requested URI does not represent any resource on the server.", operation),

  methodNotAllowed: (operation: string, method: string) =>
    armError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}'.`, operation),

  invalidRequestContent: (operation: string, detail: string) =>
    armError(
      400,
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: '${detail}'.`,
      operation,
    ),

  locationRequired: (operation: string) =>
    armError(400, "LocationRequired", "The location property is required for this definition.", operation),

  locationNotAvailable: (operation: string, location: string) =>
    armError(
      400,
      "LocationNotAvailableForResourceGroup",
      `The provided location '${location}' is not available for resource group. List of available regions is ` +
        `'${SUPPORTED_LOCATIONS.join(",")}'.`,
      operation,
    ),

  /** `actor` is the caller's object id: ARM's buckets are per subscription and principal. */
  throttled: (operation: string, sub: string, kind: string, retryAfterSeconds: number, actor: string = randomUUID()) =>
    armError(
      429,
      "SubscriptionRequestsThrottled",
      `Number of '${kind}' requests for subscription '${sub}' actor '${actor}' exceeded. Please try again ` +
        `after '${retryAfterSeconds}' seconds after additional tokens are available. Refer to ` +
        "https://aka.ms/arm-throttling for additional information.",
      operation,
      { headers: { "Retry-After": String(retryAfterSeconds) } },
    ),

  internal: (operation: string, sub: string, nowMs: number) => {
    const tracking = randomUUID();
    return armError(
      500,
      "InternalServerError",
      `Encountered internal server error. Diagnostic information: timestamp '${armTimestamp(nowMs)}', subscription ` +
        `id '${sub}', tracking id '${tracking}', request correlation id '${randomUUID()}'.`,
      operation,
    );
  },

  unavailable: (operation: string) =>
    armError(
      503,
      "ServiceUnavailable",
      "The server is currently unable to handle the request. Please try again later.",
      operation,
    ),
};

/** "20240603T120000Z", ARM's compact timestamp (routing ids, diagnostics). */
export function armTimestamp(nowMs: number): string {
  return new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

/** Regions the sandbox accepts (Azure public cloud, lower-case names without spaces). */
export const SUPPORTED_LOCATIONS: readonly string[] = [
  "eastus",
  "eastus2",
  "southcentralus",
  "westus2",
  "westus3",
  "australiaeast",
  "southeastasia",
  "northeurope",
  "swedencentral",
  "uksouth",
  "westeurope",
  "centralus",
  "southafricanorth",
  "centralindia",
  "eastasia",
  "japaneast",
  "koreacentral",
  "newzealandnorth",
  "canadacentral",
  "francecentral",
  "germanywestcentral",
  "italynorth",
  "norwayeast",
  "polandcentral",
  "spaincentral",
  "switzerlandnorth",
  "mexicocentral",
  "uaenorth",
  "brazilsouth",
  "israelcentral",
  "qatarcentral",
  "northcentralus",
  "westus",
  "japanwest",
  "westcentralus",
  "canadaeast",
  "ukwest",
  "australiasoutheast",
  "southindia",
  "westindia",
  "koreasouth",
];

/** ARM normalises "East US" to "eastus"; null when the region does not exist. */
export function normaliseLocation(location: string): string | null {
  const name = location.replace(/\s+/g, "").toLowerCase();
  return SUPPORTED_LOCATIONS.includes(name) ? name : null;
}

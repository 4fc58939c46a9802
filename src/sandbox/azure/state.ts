import type { ServiceContext } from "../harness/types.js";
import { SANDBOX_SUBSCRIPTION_ID } from "../constants.js";

/**
 * The Azure sandbox's one persisted document (`<sandbox dir>/azure.json`, mode 0600). Everything a
 * restarted sandbox must still know lives here: the service principal's secret, the Entra signing
 * keys (private), every ARM resource and every long-running operation. Keys of the maps are
 * lower-case ARM ids, because ARM names are case-insensitive but keep the casing they were created with.
 */
export interface AzureState {
  version: 2;
  servicePrincipal: ServicePrincipalState | null;
  signingKeys: SigningKeyState[];
  /** Every ARM resource, resource groups included, by lower-case id. */
  resources: Record<string, ArmResourceState>;
  /** Long-running operations by id (the id in their poll URL). */
  operations: Record<string, OperationState>;
}

export interface ServicePrincipalState {
  clientId: string;
  /** The enterprise application's object id: `oid`/`sub` of its tokens. */
  objectId: string;
  clientSecret: string;
}

export interface SigningKeyState {
  kid: string;
  /** Private RSA key, JWK. */
  privateJwk: JsonWebKeyLike;
  /** Self-signed certificate for the key, DER base64 (the JWKS `x5c` entry). */
  certificate: string;
  createdAt: string;
  /** Published ahead of use, as Entra publishes its next key before it signs with it. */
  next?: boolean;
  /** Set when a newer key took over signing; the key stays published for a while after. */
  retiredAt?: string;
}

/** A JWK as stored: plain JSON, whatever the members. */
export type JsonWebKeyLike = Record<string, string>;

export type ProvisioningState = "Succeeded" | "Creating" | "Updating" | "Deleting" | "Failed" | "Canceled";

/** One ARM resource. The envelope is common; `data` belongs to the resource type's table. */
export interface ArmResourceState<D extends object = object> {
  /** As answered, casing as created (MSI writes `resourcegroups`, the others `resourceGroups`). */
  id: string;
  /** Full type, e.g. "Microsoft.Network/virtualNetworks/subnets". */
  type: string;
  name: string;
  subscriptionId: string;
  /** The group it lives in (a resource group's own name for a resource group). */
  resourceGroup: string;
  /** Lower-case id of the parent resource, for child resources (subnets). */
  parentKey?: string;
  /** Tracked resources only; normalised ("eastus"). */
  location?: string;
  tags?: Record<string, string>;
  provisioningState: ProvisioningState;
  /** Changes on every write; network resources answer it as W/"<etag>". */
  etag: string;
  createdAt: string;
  data: D;
}

export interface OperationError {
  code: string;
  message: string;
}

export interface OperationState {
  id: string;
  /** "put" or "delete" of `resourceType`; the type's table finishes it. */
  action: "put" | "delete";
  resourceType: string;
  /** Lower-case id of the resource it acts on. */
  target: string;
  subscriptionId: string;
  /** `location`: 202 + Location polls; `azure-async`: Azure-AsyncOperation status polls. */
  style: "location" | "azure-async";
  /** Namespace and region that appear in the poll URLs. */
  namespace: string;
  region: string;
  /** Compute's status URLs carry an extra `p=<guid>` parameter. */
  p?: string;
  startedAt: string;
  /** When it finishes (by the clock; see arm-lro.ts). */
  expectedDoneAt: string;
  endedAt?: string;
  status: "InProgress" | "Succeeded" | "Failed" | "Canceled";
  /** Failed or Canceled: why, as the status body says it. */
  error?: OperationError;
}

export function emptyAzureState(): AzureState {
  return { version: 2, servicePrincipal: null, signingKeys: [], resources: {}, operations: {} };
}

/** What version 1 documents held instead of `resources`. */
interface LegacyState {
  resourceGroups?: Record<string, LegacyGroup>;
  identities?: Record<string, LegacyIdentity>;
}
interface LegacyGroup {
  name: string;
  location: string;
  tags?: Record<string, string>;
  managedBy?: string;
  provisioningState: "Succeeded" | "Deleting";
  createdAt: string;
}
interface LegacyIdentity {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  tags?: Record<string, string>;
  principalId: string;
  clientId: string;
  tenantId: string;
  isolationScope?: string;
  createdAt: string;
}

export function azureState(ctx: ServiceContext): AzureState {
  const doc = ctx.state<AzureState>(emptyAzureState);
  // Documents written by an earlier, smaller version of this service: fill what is missing.
  doc.signingKeys ??= [];
  doc.resources ??= {};
  doc.operations ??= {};
  doc.servicePrincipal ??= null;
  migrateLegacy(doc);
  return doc;
}

/** Version 1 kept groups and identities in maps of their own, all in the sandbox's one subscription. */
function migrateLegacy(doc: AzureState): void {
  const legacy = doc as AzureState & LegacyState;
  if (!legacy.resourceGroups && !legacy.identities) return;
  for (const rg of Object.values(legacy.resourceGroups ?? {})) {
    const id = `/subscriptions/${SANDBOX_SUBSCRIPTION_ID}/resourceGroups/${rg.name}`;
    doc.resources[id.toLowerCase()] = {
      id,
      type: "Microsoft.Resources/resourceGroups",
      name: rg.name,
      subscriptionId: SANDBOX_SUBSCRIPTION_ID,
      resourceGroup: rg.name,
      location: rg.location,
      ...(rg.tags ? { tags: rg.tags } : {}),
      provisioningState: rg.provisioningState,
      etag: "",
      createdAt: rg.createdAt,
      data: rg.managedBy ? { managedBy: rg.managedBy } : {},
    };
  }
  for (const identity of Object.values(legacy.identities ?? {})) {
    doc.resources[identity.id.toLowerCase()] = {
      id: identity.id,
      type: "Microsoft.ManagedIdentity/userAssignedIdentities",
      name: identity.name,
      subscriptionId: SANDBOX_SUBSCRIPTION_ID,
      resourceGroup: identity.resourceGroup,
      location: identity.location,
      ...(identity.tags ? { tags: identity.tags } : {}),
      provisioningState: "Succeeded",
      etag: "",
      createdAt: identity.createdAt,
      data: {
        principalId: identity.principalId,
        clientId: identity.clientId,
        tenantId: identity.tenantId,
        ...(identity.isolationScope ? { isolationScope: identity.isolationScope } : {}),
      },
    };
  }
  // Version 1 operations had another shape; whatever was running is long finished.
  doc.operations = {};
  delete legacy.resourceGroups;
  delete legacy.identities;
  doc.version = 2;
}

import type { ServiceContext } from "../harness/types.js";

/**
 * The Azure sandbox's one persisted document (`<sandbox dir>/azure.json`, mode 0600). Everything a
 * restarted sandbox must still know lives here: the service principal's secret, the Entra signing
 * keys (private), and every ARM resource. Keys of the resource maps are lower-case, because ARM
 * names are case-insensitive but keep the casing they were created with.
 */
export interface AzureState {
  version: 1;
  servicePrincipal: ServicePrincipalState | null;
  signingKeys: SigningKeyState[];
  resourceGroups: Record<string, ResourceGroupState>;
  /** By lower-case ARM id. */
  identities: Record<string, IdentityState>;
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
  /** Set when a newer key took over signing; the key stays published for a while after. */
  retiredAt?: string;
}

/** A JWK as stored: plain JSON, whatever the members. */
export type JsonWebKeyLike = Record<string, string>;

export interface ResourceGroupState {
  name: string;
  location: string;
  tags?: Record<string, string>;
  managedBy?: string;
  provisioningState: "Succeeded" | "Deleting";
  createdAt: string;
}

export interface IdentityState {
  /** ARM id with lower-case `resourcegroups`, as the MSI resource provider returns it. */
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  tags?: Record<string, string>;
  principalId: string;
  clientId: string;
  tenantId: string;
  isolationScope?: "None" | "Regional";
  createdAt: string;
}

export interface OperationState {
  id: string;
  /** Which module finishes it, e.g. "resourceGroupDelete". */
  kind: string;
  /** What it acts on, in the module's terms (a lower-case resource group name, an ARM id). */
  target: string;
  subscriptionId: string;
  startedAt: string;
  /** When the sandbox expects it done (realistic profile), for Retry-After. */
  expectedDoneAt: string;
  status: "Running" | "Succeeded";
}

export function emptyAzureState(): AzureState {
  return {
    version: 1,
    servicePrincipal: null,
    signingKeys: [],
    resourceGroups: {},
    identities: {},
    operations: {},
  };
}

export function azureState(ctx: ServiceContext): AzureState {
  const doc = ctx.state<AzureState>(emptyAzureState);
  // Documents written by an earlier, smaller version of this service: fill what is missing.
  doc.signingKeys ??= [];
  doc.resourceGroups ??= {};
  doc.identities ??= {};
  doc.operations ??= {};
  doc.servicePrincipal ??= null;
  return doc;
}

/**
 * The Azure calls oidc-bridge makes, one interface per resource provider. "Not found" is
 * undefined, never an exception.
 */
export type Tags = Readonly<Record<string, string>>;

export interface ResourceGroup {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  readonly tags: Tags;
}

export interface UserAssignedIdentity {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  readonly principalId: string;
  readonly clientId: string;
  readonly tenantId: string;
  readonly tags: Tags;
}

export interface AzureSignInPort {
  /** The tenant of the signed-in credential (the `tid` of an ARM token). */
  tenantId(): Promise<string>;
}

/** Microsoft.Resources/resourceGroups. */
export interface ResourceGroupPort {
  get(name: string): Promise<ResourceGroup | undefined>;
  create(name: string, location: string, tags: Tags): Promise<ResourceGroup>;
}

/** Microsoft.ManagedIdentity/userAssignedIdentities. */
export interface IdentityPort {
  /** Undefined also when the resource group does not exist. */
  get(resourceGroup: string, name: string): Promise<UserAssignedIdentity | undefined>;
  create(resourceGroup: string, name: string, location: string, tags: Tags): Promise<UserAssignedIdentity>;
}

/** Any ARM resource, read by id in ARM's generic shape. */
export interface ArmResource {
  readonly id: string;
  readonly type: string;
  readonly tags: Tags;
  /** The provider's own properties, as it answers them. */
  readonly properties: Readonly<Record<string, unknown>>;
}

/**
 * ARM by resource id, for `destroy` and `status --refresh`: one read and one delete for every
 * type, each at its provider's api-version. Deletes wait for their long-running operation; a
 * resource (or group) already gone counts as deleted.
 */
export interface ArmResourcePort {
  get(id: string, apiVersion: string): Promise<ArmResource | undefined>;
  delete(id: string, apiVersion: string): Promise<void>;
  /** The top-level resources in a group; undefined when the group does not exist. */
  listGroup(name: string): Promise<ArmResource[] | undefined>;
  deleteGroup(name: string): Promise<void>;
}

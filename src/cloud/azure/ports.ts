/** The Azure calls oidc-bridge makes. "Not found" is undefined, never an exception. */
export interface ResourceGroup {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface UserAssignedIdentity {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  readonly principalId: string;
  readonly clientId: string;
  readonly tenantId: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface AzureSignInPort {
  /** The tenant of the signed-in credential (the `tid` of an ARM token). */
  tenantId(): Promise<string>;
}

export interface AzureResourcesPort {
  getResourceGroup(name: string): Promise<ResourceGroup | undefined>;
  createResourceGroup(name: string, location: string, tags: Readonly<Record<string, string>>): Promise<ResourceGroup>;
  getIdentity(resourceGroup: string, name: string): Promise<UserAssignedIdentity | undefined>;
  createIdentity(
    resourceGroup: string,
    name: string,
    location: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<UserAssignedIdentity>;
}

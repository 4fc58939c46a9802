import type { SandboxRequest, SandboxResponse, ServiceContext } from "../harness/types.js";
import type { ArmCaller } from "./arm-auth.js";
import type { AzureState, OperationState } from "./state.js";

/**
 * The contract between the ARM router and the per-resource-type modules. A module lists routes
 * (path patterns with `{placeholders}`, matched case-insensitively as ARM does) and, if its
 * resources live in resource groups, how to delete them when their group is deleted.
 */

export type ArmMethod = "GET" | "HEAD" | "PUT" | "PATCH" | "DELETE" | "POST";

export interface ArmRequest {
  readonly raw: SandboxRequest;
  readonly method: ArmMethod;
  readonly apiVersion: string;
  /** Placeholder values from the route pattern, URL-decoded, casing as sent. */
  readonly params: Readonly<Record<string, string>>;
  readonly caller: ArmCaller;
  /** The operation name (journal and latency key). */
  readonly operation: string;
}

export interface ArmEnv {
  readonly ctx: ServiceContext;
  readonly state: AzureState;
  /** How long a long-running operation of this name runs in the current latency profile. */
  durationMs(operation: string): number;
}

export type ArmHandler = (req: ArmRequest, env: ArmEnv) => SandboxResponse | Promise<SandboxResponse>;

export interface ArmOperation {
  readonly name: string;
  readonly handler: ArmHandler;
}

export interface ArmRoute {
  /** e.g. "subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}". */
  readonly pattern: string;
  /**
   * Versions this route accepts, or "any" (operation-status URLs). `versionError` says which error
   * ARM gives for others: its own InvalidApiVersionParameter for ARM-native types, or
   * NoRegisteredProviderFound for resource-provider types (with `resourceType` in the message).
   */
  readonly apiVersions: readonly string[] | "any";
  readonly versionError: "arm" | "provider";
  readonly resourceType?: string;
  /** ARM's front door answers ResourceGroupNotFound before the provider sees the call. */
  readonly inResourceGroup?: boolean;
  /**
   * ARM answers these itself (resource groups, operation results): its x-ms-request-id is then the
   * correlation id. A resource provider's answers carry the provider's own request id.
   */
  readonly armNative?: boolean;
  readonly operations: Partial<Record<ArmMethod, ArmOperation>>;
}

/** Called when an operation's time has come: applies its effect (and may mark it Failed). */
export type OperationCompleter = (state: AzureState, op: OperationState, nowMs: number) => void;

export interface ArmModule {
  readonly routes: readonly ArmRoute[];
  /** Namespaces this module serves, for InvalidResourceType vs InvalidResourceNamespace. */
  readonly namespaces?: readonly string[];
  /** Finishes this module's long-running operations, by resource type (`OperationState.resourceType`). */
  readonly completers?: Readonly<Record<string, OperationCompleter>>;
}

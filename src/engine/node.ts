import type { Action } from "../report/reporter.js";
import type { Reporter } from "../report/reporter.js";
import type { Config } from "../config/schema.js";
import type { LayerName } from "../state/schema.js";
import type { StateStore, StateView } from "../state/store.js";
import type { CloudPorts } from "../cloud/ports.js";
import type { Facts } from "../resources/facts.js";
import type { PlannedRecord } from "./known-after-apply.js";

export type NodeId = string;

/**
 * One thing the plan will do to one resource, with its reason: exactly what is printed, and
 * exactly what apply runs. `apply` is absent for "unchanged" and "skip".
 */
export interface Step<Outputs> {
  readonly kind: Action["kind"];
  readonly resource: string;
  readonly reason: string;
  /** Makes the change and records it; returns the outputs it came to know. */
  readonly apply?: (ctx: ApplyContext) => Promise<Partial<Outputs> | undefined>;
}

export interface NodePlan<Outputs> {
  readonly steps: readonly Step<Outputs>[];
  /** What later nodes may use: known now, or known after apply. */
  readonly outputs: PlannedRecord<Outputs>;
}

interface Shared {
  readonly config: Config;
  /** The tags on everything we create. */
  readonly tags: Readonly<Record<string, string>>;
  /** The state folder: files of the deployment that are not in the state file (the SSH key). */
  readonly stateDir: string;
}

export interface LookupContext extends Shared {
  readonly ports: CloudPorts;
  readonly facts: Facts;
  readonly state: StateView;
  readonly reporter: Reporter;
}

export interface PlanContext extends Shared {
  readonly state: StateView;
  /** The planned outputs of a node this one needs. */
  readonly input: <O>(node: ResourceNode<unknown, O>) => PlannedRecord<O>;
}

export interface ApplyContext extends Shared {
  readonly ports: CloudPorts;
  readonly store: StateStore;
  /** Events carry this node and its layer. */
  readonly reporter: Reporter;
  /** The outputs of a node this one needs, all known by now. */
  readonly input: <O>(node: ResourceNode<unknown, O>) => O;
}

/**
 * A kind of resource we manage, as a node of the graph: how to read it (not found is data), a pure
 * plan of steps, and how it reads back from the state file when an earlier layer is not run.
 */
export interface ResourceNode<Observed, Outputs> {
  readonly id: NodeId;
  readonly layer: LayerName;
  /** Nodes whose outputs this one uses; it starts once they are done. */
  readonly needs: readonly NodeId[];
  lookup(ctx: LookupContext): Promise<Observed>;
  plan(observed: Observed, ctx: PlanContext): NodePlan<Outputs>;
  /** Outputs as the state file records them; undefined when the layer is not recorded. */
  fromState(state: StateView, config: Config): Outputs | undefined;
}

// The graph holds nodes of many observation and output types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNode = ResourceNode<any, any>;

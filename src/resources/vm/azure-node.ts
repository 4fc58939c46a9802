import type { Config } from "../../config/schema.js";
import type { Tags } from "../../cloud/azure/ports.js";
import type { ApplyContext, LookupContext, NodeId, PlanContext, ResourceNode, Step } from "../../engine/node.js";
import type { PlannedRecord } from "../../engine/known-after-apply.js";
import type { RecordKind, RecordOf, ResourceRecord } from "../../state/schema.js";
import type { NewRecord, StateView } from "../../state/store.js";
import { createWithIntent, recordCreated } from "../intent.js";
import { adoptReason, ownershipOf, type Ownership } from "../tags.js";

type VmKind = Extract<
  RecordKind,
  | "azure-virtual-network"
  | "azure-subnet"
  | "azure-public-ip"
  | "azure-network-security-group"
  | "azure-network-interface"
  | "azure-ssh-public-key"
>;
type Attributes<K extends VmKind> = RecordOf<K>["attributes"];

/** What the vm layer's simple Azure nodes differ in; the rest (ownership, intent, records) is shared. */
export interface AzureNodeSpec<K extends VmKind, Found extends { id: string; tags?: Tags }, Outputs> {
  readonly id: NodeId;
  readonly kind: K;
  readonly needs: readonly NodeId[];
  /** "virtual network oidc-vnet", for plans and messages. */
  what(config: Config): string;
  expectedId(config: Config): string;
  attributes(config: Config, found?: Found): Attributes<K>;
  get(ctx: LookupContext): Promise<Found | undefined>;
  create(ctx: ApplyContext): Promise<Found>;
  createReason(config: Config): string;
  outputs(found: Found, config: Config): Outputs;
  /** Outputs before the resource exists (ids known after apply). */
  pending(config: Config): PlannedRecord<Outputs>;
  /** How it differs from what we would make: reported, never changed behind the user. */
  differences?(found: Found, config: Config, input: PlanContext["input"]): string[];
  fromRecord(record: RecordOf<K>, config: Config): Outputs | undefined;
}

/** A resource node that creates (intent first), adopts or leaves alone one Azure resource. */
export function azureNode<K extends VmKind, Found extends { id: string; tags?: Tags }, Outputs>(
  spec: AzureNodeSpec<K, Found, Outputs>,
): ResourceNode<Found | undefined, Outputs> {
  const record = (config: Config, found: Found, createdByUs: boolean): NewRecord =>
    vmLayerRecord(spec.kind, spec.id, found.id, createdByUs, spec.attributes(config, found));
  return {
    id: spec.id,
    layer: "vm",
    needs: spec.needs,

    lookup: (ctx) => spec.get(ctx),

    plan(found, { config, state, input }) {
      const resource = spec.what(config);
      if (!found) {
        const step: Step<Outputs> = {
          kind: "create",
          resource,
          reason: spec.createReason(config),
          async apply(ctx) {
            const expectedId = spec.expectedId(config);
            const intent = {
              kind: spec.kind,
              layer: "vm",
              node: spec.id,
              id: expectedId,
              attributes: spec.attributes(config),
            };
            const created = await createWithIntent(ctx.store, intent as Parameters<typeof createWithIntent>[1], () =>
              spec.create(ctx),
            );
            await recordCreated(ctx.store, expectedId, record(config, created, true));
            return spec.outputs(created, config);
          },
        };
        return { outputs: spec.pending(config), steps: [step] };
      }
      const outputs = spec.outputs(found, config);
      const owner = ownershipOf(state.find(spec.kind, found.id), found.tags, state.deploymentId);
      const differences = spec.differences?.(found, config, input) ?? [];
      const note = differences.length ? `; differs from the config (${differences.join("; ")}): left as is` : "";
      return { outputs, steps: [keepStep(owner, resource, note, () => record(config, found, owner.createdByUs))] };
    },

    fromState(state: StateView, config: Config) {
      const records: readonly ResourceRecord[] = state.records(spec.kind, "vm");
      const found = records.find((r) => r.status === "ready");
      return found ? spec.fromRecord(found as RecordOf<K>, config) : undefined;
    },
  };
}

/** A ready record of the vm layer (its shape is checked against the schema when the store writes it). */
export function vmLayerRecord<K extends RecordKind>(
  kind: K,
  node: NodeId,
  id: string,
  createdByUs: boolean,
  attributes: RecordOf<K>["attributes"] | Attributes<VmKind>,
): NewRecord {
  return { kind, layer: "vm", node, id, createdByUs, status: "ready", attributes } as NewRecord;
}

/** The step for a resource that exists: unchanged when recorded, else adopted (recorded as found). */
export function keepStep<O>(owner: Ownership, resource: string, note: string, record: () => NewRecord): Step<O> {
  if (owner.how === "recorded") return { kind: "unchanged", resource, reason: `exists as recorded${note}` };
  return {
    kind: "adopt",
    resource,
    reason: `${adoptReason(owner)}${note}`,
    async apply({ store }) {
      await store.put(record());
      return undefined;
    },
  };
}

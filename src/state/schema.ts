// zod/mini: `status` validates the state file on every run and must start fast; the classic
// API's import costs several times more (see the startup benchmark).
import * as z from "zod/mini";

export const STATE_VERSION = 2;

/** Layers in the order `up` builds them; `destroy` walks them backwards. */
export const LAYERS = ["trust", "identity", "vm", "configure"] as const;
export type LayerName = (typeof LAYERS)[number];

const common = {
  layer: z.enum(LAYERS),
  /** The graph node that manages it. */
  node: z.string().check(z.minLength(1)),
  /** The cloud's own id: an ARN, an ARM resource id, a parameter name. */
  id: z.string().check(z.minLength(1)),
  /** False when the resource existed before us: adopted, used, but never deleted by us. */
  createdByUs: z.boolean(),
  /**
   * "intended": the create call was about to be sent when this was written, and its answer was
   * not recorded yet. A later run that finds the resource knows it is ours, even with no tags.
   */
  status: z.enum(["intended", "ready"]),
  recordedAt: z.string(),
};
const strings = z.array(z.string());

/** What we changed on a resource we did not create, so `destroy` can take back exactly that. */
const providerRecord = z.strictObject({
  kind: z.literal("iam-oidc-provider"),
  ...common,
  attributes: z.strictObject({
    url: z.string(),
    tenantId: z.string(),
    audience: z.string(),
    partition: z.string(),
    addedClientIds: strings,
    addedThumbprints: strings,
    removedThumbprints: strings,
  }),
});

const resourceGroupRecord = z.strictObject({
  kind: z.literal("azure-resource-group"),
  ...common,
  attributes: z.strictObject({ name: z.string(), location: z.string() }),
});

const identityRecord = z.strictObject({
  kind: z.literal("azure-user-assigned-identity"),
  ...common,
  attributes: z.strictObject({
    name: z.string(),
    resourceGroup: z.string(),
    // Absent while only intended: Azure assigns them.
    principalId: z.optional(z.string()),
    clientId: z.optional(z.string()),
    tenantId: z.optional(z.string()),
  }),
});

const roleRecord = z.strictObject({
  kind: z.literal("iam-role"),
  ...common,
  attributes: z.strictObject({ name: z.string() }),
});

const attachmentRecord = z.strictObject({
  kind: z.literal("iam-role-policy-attachment"),
  ...common,
  attributes: z.strictObject({ roleName: z.string(), policyArn: z.string() }),
});

const parameterRecord = z.strictObject({
  kind: z.literal("ssm-parameter"),
  ...common,
  attributes: z.strictObject({
    name: z.string(),
    /** The value someone else's parameter held before we overwrote it. */
    previousValue: z.optional(z.string()),
  }),
});

/** What `configure` put on the VM; the files go with the VM, so `destroy` has nothing to undo. */
const vmSetupRecord = z.strictObject({
  kind: z.literal("vm-setup"),
  ...common,
  attributes: z.strictObject({
    host: z.string(),
    profile: z.string(),
    scheduler: z.enum(["systemd", "cron", "none"]),
    roleArn: z.string(),
  }),
});

/** An Azure resource of the vm layer, by name in its resource group. */
const named = { name: z.string(), resourceGroup: z.string() };
const azureRecord = <K extends string, E extends z.core.$ZodLooseShape>(kind: K, extra: E) =>
  z.strictObject({ kind: z.literal(kind), ...common, attributes: z.strictObject({ ...named, ...extra }) });

const vnetRecord = azureRecord("azure-virtual-network", {});
const subnetRecord = azureRecord("azure-subnet", { vnet: z.string() });
const publicIpRecord = azureRecord("azure-public-ip", { ipAddress: z.optional(z.string()) });
const nsgRecord = azureRecord("azure-network-security-group", {});
const nicRecord = azureRecord("azure-network-interface", { privateIp: z.optional(z.string()) });
const sshKeyRecord = azureRecord("azure-ssh-public-key", {
  /** The private key's file (0600, in the state folder); never its content. */
  keyPath: z.string(),
  keyType: z.enum(["ed25519", "rsa"]),
  publicKey: z.string(),
});
const vmRecord = azureRecord("azure-virtual-machine", {
  // Absent while only intended: Azure assigns them.
  vmId: z.optional(z.string()),
  publicIp: z.optional(z.string()),
  privateIp: z.optional(z.string()),
  adminUsername: z.string(),
  keyPath: z.string(),
  /** Pinned on first contact; a different key later is refused. */
  hostKeyFingerprint: z.optional(z.string()),
  /** True when our identity was attached to a VM someone else made: destroy detaches only it. */
  identityAttached: z.optional(z.boolean()),
});

export const resourceRecord = z.discriminatedUnion("kind", [
  providerRecord,
  resourceGroupRecord,
  identityRecord,
  roleRecord,
  attachmentRecord,
  parameterRecord,
  vmSetupRecord,
  vnetRecord,
  subnetRecord,
  publicIpRecord,
  nsgRecord,
  nicRecord,
  sshKeyRecord,
  vmRecord,
]);
export type ResourceRecord = z.infer<typeof resourceRecord>;
export type RecordKind = ResourceRecord["kind"];
export type RecordOf<K extends RecordKind> = Extract<ResourceRecord, { kind: K }>;

export const stateSchema = z.strictObject({
  version: z.literal(STATE_VERSION),
  /** Random id tagged onto everything we create, so a resource can be traced to its deployment. */
  deploymentId: z.string().check(z.regex(/^[a-z0-9-]{6,64}$/)),
  /** A state file made against the sandbox must never drive the real clouds, and the reverse. */
  target: z.enum(["sandbox", "cloud"]),
  createdAt: z.string(),
  updatedAt: z.string(),
  resources: z.array(resourceRecord),
  /** When each layer last completed, by layer. */
  layers: z._default(
    z.partialRecord(z.enum(LAYERS), z.strictObject({ completedAt: z.string(), summary: z.string() })),
    {},
  ),
});
export type State = z.infer<typeof stateSchema>;

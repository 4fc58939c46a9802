// zod/mini: `status` validates the state file on every run and must start fast; the classic
// API's import costs several times more (see the startup benchmark).
import * as z from "zod/mini";

export const STATE_VERSION = 1;

/** Layers in the order `up` builds them; `destroy` walks them backwards. */
export const LAYERS = ["trust", "identity", "vm", "configure"] as const;
export type LayerName = (typeof LAYERS)[number];

export const resourceRecord = z.strictObject({
  /** e.g. "iam-oidc-provider", "azure-resource-group", "iam-role". */
  kind: z.string().check(z.minLength(1)),
  layer: z.enum(LAYERS),
  /** The cloud's own id: an ARN, an ARM resource id, a parameter name. */
  id: z.string().check(z.minLength(1)),
  /** False when the resource existed before us: adopted, used, but never deleted by us. */
  createdByUs: z.boolean(),
  recordedAt: z.string(),
  /** Whatever later layers need (principal id, issuer URL, ...). Never secrets. */
  attributes: z._default(z.record(z.string(), z.unknown()), {}),
});
export type ResourceRecord = z.infer<typeof resourceRecord>;

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

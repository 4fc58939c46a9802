import { STATE_VERSION } from "./schema.js";

/**
 * Brings an older state document up to the current version, so an upgrade loses nothing. Version 1
 * kept untyped attributes per record; version 2 types them per kind and records intents.
 */
export function migrateState(json: unknown): unknown {
  if (!isObject(json) || json.version !== 1 || !Array.isArray(json.resources)) return json;
  return {
    ...json,
    version: STATE_VERSION,
    resources: (json.resources as unknown[]).map((r) => (isObject(r) ? migrateRecord(r) : r)),
  };
}

const NODE_OF: Record<string, string> = {
  "iam-oidc-provider": "oidc-provider",
  "azure-resource-group": "resource-group",
  "azure-user-assigned-identity": "managed-identity",
  "iam-role": "iam-role",
  "iam-role-policy-attachment": "role-policies",
  "ssm-parameter": "ssm-parameter",
};

function migrateRecord(r: Record<string, unknown>): unknown {
  const kind = typeof r.kind === "string" ? r.kind : "";
  const old = isObject(r.attributes) ? r.attributes : {};
  const text = (key: string): string | undefined => (typeof old[key] === "string" ? old[key] : undefined);
  const id = typeof r.id === "string" ? r.id : "";
  const base = { kind, layer: r.layer, node: NODE_OF[kind] ?? kind, id, createdByUs: r.createdByUs, status: "ready" };
  const recordedAt = r.recordedAt;
  switch (kind) {
    case "iam-oidc-provider":
      return {
        ...base,
        recordedAt,
        attributes: {
          url: text("url") ?? "",
          tenantId: text("tenantId") ?? "",
          audience: text("audience") ?? "",
          partition: text("partition") ?? id.split(":")[1] ?? "aws",
          addedClientIds: [],
          addedThumbprints: [],
          removedThumbprints: [],
        },
      };
    case "azure-resource-group":
      return { ...base, recordedAt, attributes: { name: text("name") ?? "", location: text("location") ?? "" } };
    case "azure-user-assigned-identity":
      return {
        ...base,
        recordedAt,
        attributes: {
          name: text("name") ?? "",
          resourceGroup: /\/resourcegroups\/([^/]+)\//i.exec(id)?.[1] ?? "",
          ...pick(old, ["principalId", "clientId", "tenantId"]),
        },
      };
    case "iam-role":
      return { ...base, recordedAt, attributes: { name: text("name") ?? id.split("/").pop() ?? "" } };
    case "iam-role-policy-attachment":
      return {
        ...base,
        recordedAt,
        attributes: { roleName: text("roleName") ?? "", policyArn: text("policyArn") ?? "" },
      };
    case "ssm-parameter":
      return { ...base, recordedAt, attributes: { name: id } };
    default:
      return r;
  }
}

function pick(from: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.flatMap((k) => (typeof from[k] === "string" ? [[k, from[k]]] : [])));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

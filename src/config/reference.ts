import { configJsonSchema } from "../commands/config-schema.js";

interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: SchemaNode[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  default?: unknown;
  description?: string;
  pattern?: string;
}

/**
 * The README's config reference, generated from the schema so the two cannot drift: one row per
 * leaf key, with its type, default and description. A test keeps the README's copy equal to it.
 */
export function configReference(): string {
  const rows: string[][] = [];
  const walk = (node: SchemaNode, path: string): void => {
    if (node.properties && !node.anyOf) {
      for (const [key, child] of Object.entries(node.properties)) {
        if (key === "$schema") continue;
        walk(child, path ? `${path}.${key}` : key);
      }
      return;
    }
    rows.push([`\`${path}\``, typeOf(node), defaultOf(node), (node.description ?? "").replace(/\|/g, "\\|")]);
  };
  walk(configJsonSchema(), "");
  const header = ["key", "type", "default", "meaning"];
  return [header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

function typeOf(node: SchemaNode): string {
  if (node.anyOf) return node.anyOf.map(typeOf).join(" or ");
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return node.enum.map((e) => `\`${JSON.stringify(e)}\``).join(", ");
  if (node.type === "array") return `list of ${node.items ? typeOf(node.items) : "values"}`;
  if (node.type === "object" && !node.properties) return "object of strings";
  if (node.type === "object") return "object";
  return [node.type ?? "any"].flat().join(" or ");
}

function defaultOf(node: SchemaNode): string {
  if (node.default === undefined) return "";
  return `\`${JSON.stringify(node.default)}\``.replace(/\|/g, "\\|");
}

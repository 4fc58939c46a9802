/**
 * Just enough XML for the AWS query protocol's answers: element trees built from plain values.
 * Everything that is text goes through `escapeXml`, names never come from requests.
 */
export type XmlValue =
  string | number | boolean | Date | undefined | readonly XmlValue[] | { readonly [name: string]: XmlValue };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (ch) => {
    switch (ch) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case '"':
        return "&quot;";
      case "'":
        return "&apos;";
      default:
        // A bare CR would be normalised away by the client's XML parser.
        return "&#13;";
    }
  });
}

/** AWS query APIs print timestamps as ISO 8601 in UTC, without milliseconds. */
export function isoSeconds(date: Date | string | number): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Renders the children of an element: an object gives one element per key (undefined skipped), an
 * array gives `<member>` elements (the query protocol's list encoding), scalars give text.
 */
export function renderXml(value: XmlValue): string {
  if (value === undefined) return "";
  if (typeof value === "string") return escapeXml(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return isoSeconds(value);
  if (Array.isArray(value)) return value.map((item) => `<member>${renderXml(item as XmlValue)}</member>`).join("");
  let out = "";
  for (const [name, inner] of Object.entries(value as Record<string, XmlValue>)) {
    if (inner === undefined) continue;
    out += `<${name}>${renderXml(inner)}</${name}>`;
  }
  return out;
}

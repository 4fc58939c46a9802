/**
 * Just enough XML for AWS's XML answers (query protocol, S3): element trees built from plain
 * values. Everything that is text goes through `escapeXml`, names never come from requests.
 */
export type XmlValue =
  string | number | boolean | Date | undefined | readonly XmlValue[] | { readonly [name: string]: XmlValue };

/**
 * Characters XML 1.0 cannot carry even as references (controls other than tab/LF/CR, U+FFFE/F,
 * unpaired surrogates). They can only come from echoed input that is being refused; a strict
 * parser (botocore's expat) would reject the whole answer, so they become U+FFFD.
 */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- control characters are what it must find
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text.replace(NOT_XML, "\uFFFD").replace(/[&<>"'\r]/g, (ch) => {
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

/** How a service spells lists and dates: the query protocol and S3 differ in both. */
export interface XmlStyle {
  /** "member": a list is `<member>` children of its element; "flattened": the element repeats per item. */
  readonly lists: "member" | "flattened";
  readonly dates: (date: Date) => string;
}

export const QUERY_XML: XmlStyle = { lists: "member", dates: isoSeconds };
/** S3 prints timestamps with milliseconds ("2019-10-12T17:50:30.000Z"). */
export const S3_XML: XmlStyle = { lists: "flattened", dates: (date) => date.toISOString() };

function scalar(value: string | number | boolean | Date, style: XmlStyle): string {
  if (typeof value === "string") return escapeXml(value);
  if (value instanceof Date) return style.dates(value);
  return String(value);
}

/**
 * Renders the children of an element: an object gives one element per key (undefined skipped),
 * scalars give text, and lists follow the style (`<member>` items, or the element repeated).
 */
export function renderXml(value: XmlValue, style: XmlStyle = QUERY_XML): string {
  if (value === undefined) return "";
  if (Array.isArray(value))
    return value.map((item) => `<member>${renderXml(item as XmlValue, style)}</member>`).join("");
  if (typeof value !== "object" || value instanceof Date) return scalar(value, style);
  let out = "";
  for (const [name, inner] of Object.entries(value as Record<string, XmlValue>)) {
    if (inner === undefined) continue;
    const items: readonly XmlValue[] = style.lists === "flattened" && Array.isArray(inner) ? inner : [inner];
    for (const item of items) out += `<${name}>${renderXml(item, style)}</${name}>`;
  }
  return out;
}

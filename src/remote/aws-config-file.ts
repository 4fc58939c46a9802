/**
 * Edits one profile of an AWS CLI config file (`~/.aws/config`) and nothing else: other profiles,
 * comments, blank lines and keys we do not manage stay exactly as they were.
 */
export type ProfileValues = Readonly<Record<string, string>>;

/** `[default]` for the default profile, `[profile NAME]` for the others, as the CLI reads them. */
export function sectionHeader(profile: string): string {
  return profile === "default" ? "[default]" : `[profile ${profile}]`;
}

function sectionName(line: string): string | undefined {
  const m = /^\s*\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/.exec(line);
  if (!m) return undefined;
  const name = (m[1] ?? "").replace(/\s+/g, " ");
  return name === "default" || name === "profile default" ? "default" : name.replace(/^profile /, "");
}

function keyOf(line: string): string | undefined {
  return /^\s*([A-Za-z0-9_.-]+)\s*=/.exec(line)?.[1]?.toLowerCase();
}

/** The values of one profile's keys (the last one wins, as the CLI reads them). */
export function readProfile(text: string, profile: string): Record<string, string> | undefined {
  let inside = false;
  let found: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    const name = sectionName(line);
    if (name !== undefined) {
      inside = name === profile;
      if (inside) found ??= {};
      continue;
    }
    const key = keyOf(line);
    if (inside && key && found) found[key] = line.slice(line.indexOf("=") + 1).trim();
  }
  return found;
}

/** The file with this profile's keys set; everything else kept. Ends with one newline. */
export function setProfile(text: string, profile: string, values: ProfileValues): string {
  const lines = text === "" ? [] : text.replace(/\r?\n$/, "").split(/\r?\n/);
  const pending = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  const out: string[] = [];
  let inside = false;
  let sectionSeen = false;
  // Keys missing from the section go after its last key, not after trailing blanks or comments.
  let insertAt = -1;
  const flush = (): void => {
    if (!inside || pending.size === 0) return;
    out.splice(insertAt + 1, 0, ...[...pending].map(([k, v]) => `${k} = ${v}`));
    pending.clear();
  };
  for (const line of lines) {
    const name = sectionName(line);
    if (name !== undefined) {
      flush();
      inside = name === profile;
      if (inside) {
        sectionSeen = true;
        insertAt = out.length;
      }
      out.push(line);
      continue;
    }
    const key = keyOf(line);
    if (inside && key !== undefined) {
      if (pending.has(key)) {
        out.push(`${key} = ${pending.get(key) ?? ""}`);
        pending.delete(key);
      } else if (key in lowerKeys(values)) {
        // A repeated key we already set: the CLI reads the last one, so drop the stale copy.
        continue;
      } else {
        out.push(line);
      }
      insertAt = out.length - 1;
      continue;
    }
    out.push(line);
  }
  flush();
  if (!sectionSeen) {
    if (out.length && out[out.length - 1]?.trim() !== "") out.push("");
    out.push(sectionHeader(profile), ...Object.entries(values).map(([k, v]) => `${k} = ${v}`));
  }
  return `${out.join("\n")}\n`;
}

function lowerKeys(values: ProfileValues): Record<string, true> {
  return Object.fromEntries(Object.keys(values).map((k) => [k.toLowerCase(), true as const]));
}

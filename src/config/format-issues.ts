import type { z } from "zod";

/**
 * Turns zod issues into one line each: field path, what was given, what is wanted, and which
 * variable or flag gave it when it did not come from the file.
 */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  knownKeys: readonly string[],
  source: string,
  origins: ReadonlyMap<string, string> = new Map(),
): string[] {
  return issues.flatMap((issue): string[] => {
    // A record key that failed its rule: the rule's own message says why.
    if (issue.code === "invalid_key")
      return formatIssues(
        issue.issues.map(
          (inner) => ({ ...inner, path: [...issue.path, ...inner.path], input: issue.input }) as z.core.$ZodIssue,
        ),
        knownKeys,
        source,
        origins,
      );
    // A union whose input passed one branch's type check: that branch's issues are the useful ones.
    if (issue.code === "invalid_union" && "errors" in issue) {
      const typed = issue.errors.filter((branch) =>
        branch.every((inner) => inner.path.length > 0 || !["invalid_type", "invalid_value"].includes(inner.code)),
      );
      if (typed.length === 1)
        return formatIssues(
          (typed[0] ?? []).map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })),
          knownKeys,
          source,
          origins,
        );
    }
    const at = issue.path.map(String).join(".");
    const origin = originOf(at, origins);
    const from = origin ? ` (from ${origin})` : "";
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const field = at ? `${at}.${key}` : key;
        const near = closest(key, knownKeys);
        return `${field}: unknown key in ${source}${near ? ` (did you mean "${near}"?)` : "; remove it"}`;
      });
    }
    const got = "input" in issue && issue.input !== undefined ? ` (got ${show(issue.input)})` : "";
    return [`${at || "(top level)"}: ${plain(issue.message)}${got}${from}`];
  });
}

export function originOf(at: string, origins: ReadonlyMap<string, string>): string | undefined {
  for (let path = at; path; path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "") {
    const origin = origins.get(path);
    if (origin !== undefined) return origin;
  }
  return undefined;
}

function plain(message: string): string {
  return message.replace(/^Invalid input: /, "");
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

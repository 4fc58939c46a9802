import type { z } from "zod";

/** Turns zod issues into one line each: field path, what was given, what is wanted. */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  knownKeys: readonly string[],
  source: string,
): string[] {
  return issues.flatMap((issue) => {
    const at = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const field = at ? `${at}.${key}` : key;
        const near = closest(key, knownKeys);
        return `${field}: unknown key in ${source}${near ? ` (did you mean "${near}"?)` : "; remove it"}`;
      });
    }
    const got = "input" in issue && issue.input !== undefined ? ` (got ${show(issue.input)})` : "";
    return [`${at || "(top level)"}: ${plain(issue.message)}${got}`];
  });
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

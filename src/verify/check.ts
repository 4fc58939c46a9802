/** One line of `verify`: what was checked, how it went, and the fix when it did not pass. */
export interface CheckResult {
  readonly id: string;
  readonly status: "pass" | "fail" | "warn";
  /** What was found, one line. */
  readonly detail: string;
  /** The likely fix, one line; set for fail and warn. */
  readonly hint?: string;
}

export const pass = (id: string, detail: string): CheckResult => ({ id, status: "pass", detail });
export const fail = (id: string, detail: string, hint: string): CheckResult => ({ id, status: "fail", detail, hint });
export const warn = (id: string, detail: string, hint: string): CheckResult => ({ id, status: "warn", detail, hint });

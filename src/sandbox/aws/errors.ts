/**
 * One error type for every emulated AWS API; each protocol renders it in its own wire shape
 * (query: `<ErrorResponse>` XML, JSON 1.1: `{"__type", "message"}`, S3: `<Error>` XML).
 */
export class AwsApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string | undefined,
    /** The query protocol's `<Type>`: Receiver for the service's own failures. */
    readonly fault: "Sender" | "Receiver" = status >= 500 ? "Receiver" : "Sender",
    /** Extra elements S3 adds to its `<Error>` (BucketName, AWSAccessKeyId, ArgumentName, …). */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message ?? "");
    this.name = code;
  }
  /** Some real errors carry no message at all (SSM ParameterNotFound): keep that visible. */
  get hasMessage(): boolean {
    return this.message !== "";
  }
}

/** SigV4's mismatch message in the query and JSON services. */
export const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/**
 * Collects model-constraint violations the way AWS's request validation reports them:
 * "2 validation errors detected: Value 'x' at 'roleName' failed to satisfy constraint: ...; ...".
 */
export class ConstraintCheck {
  private readonly problems: string[] = [];

  constructor(private readonly code: string = "ValidationError") {}

  required(value: unknown, field: string): boolean {
    if (value === undefined) {
      this.problems.push(`Value null at '${field}' failed to satisfy constraint: Member must not be null`);
      return false;
    }
    return true;
  }

  length(value: string | undefined, field: string, min: number | undefined, max: number | undefined): void {
    if (value === undefined) return;
    if (max !== undefined && value.length > max) {
      this.fail(value, field, `Member must have length less than or equal to ${max}`);
    } else if (min !== undefined && value.length < min) {
      this.fail(value, field, `Member must have length greater than or equal to ${min}`);
    }
  }

  pattern(value: string | undefined, field: string, pattern: { test(value: string): boolean }, shown: string): void {
    if (value === undefined) return;
    if (!pattern.test(value)) this.fail(value, field, `Member must satisfy regular expression pattern: ${shown}`);
  }

  range(value: number | undefined, field: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value > max) this.fail(String(value), field, `Member must have value less than or equal to ${max}`);
    else if (value < min) this.fail(String(value), field, `Member must have value greater than or equal to ${min}`);
  }

  listLength(value: readonly unknown[] | undefined, field: string, max: number): void {
    if (value && value.length > max) {
      this.fail(`[${value.join(", ")}]`, field, `Member must have length less than or equal to ${max}`);
    }
  }

  /**
   * Constraints on the members of a list of strings are reported once for the whole list, naming
   * every constraint of the member shape, the way AWS's model validation does.
   */
  members(
    values: readonly string[] | undefined,
    field: string,
    rule: { min?: number; max?: number; pattern?: { test(value: string): boolean }; shown?: string },
  ): void {
    if (!values) return;
    const ok = (v: string): boolean =>
      (rule.max === undefined || v.length <= rule.max) &&
      (rule.min === undefined || v.length >= rule.min) &&
      (rule.pattern?.test(v) ?? true);
    if (values.every(ok)) return;
    const constraints: string[] = [];
    if (rule.max !== undefined) constraints.push(`Member must have length less than or equal to ${rule.max}`);
    if (rule.min !== undefined) constraints.push(`Member must have length greater than or equal to ${rule.min}`);
    if (rule.shown !== undefined) constraints.push(`Member must satisfy regular expression pattern: ${rule.shown}`);
    this.fail(`[${values.join(", ")}]`, field, `Member must satisfy constraint: [${constraints.join(", ")}]`);
  }

  enumeration(value: string | undefined, field: string, allowed: readonly string[]): void {
    if (value !== undefined && !allowed.includes(value)) {
      this.fail(value, field, `Member must satisfy enum value set: [${allowed.join(", ")}]`);
    }
  }

  fail(value: string, field: string, constraint: string): void {
    this.problems.push(`Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`);
  }

  throwIfAny(): void {
    const n = this.problems.length;
    if (n === 0) return;
    const head = n === 1 ? "1 validation error detected: " : `${n} validation errors detected: `;
    throw new AwsApiError(this.code, 400, head + this.problems.join("; "));
  }
}

import { AwsApiError } from "./errors.js";
import { conditionsHold, globMatch, type RequestContext } from "./policy-conditions.js";
import { ACCOUNT_ID } from "./state.js";

/**
 * Role trust policies: validated the way IAM does on CreateRole / UpdateAssumeRolePolicy
 * (MalformedPolicyDocument with IAM's own wording), and evaluated the way STS does for
 * AssumeRoleWithWebIdentity.
 */

export interface ParsedStatement {
  effect: "Allow" | "Deny";
  /** "*" or principal type → values. */
  principal?: "*" | Record<string, string[]>;
  notPrincipal?: "*" | Record<string, string[]>;
  action?: string[];
  notAction?: string[];
  /** Operator → condition key → values. */
  condition: Record<string, Record<string, string[]>>;
}

export interface TrustPolicyLookups {
  oidcProviderExists(arn: string): boolean;
  roleExists(arn: string): boolean;
}

/** IAM's default quota "Role trust policy length"; whitespace does not count. */
export const TRUST_POLICY_MAX_CHARS = 2048;

const STRING_OPERATORS = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
];
const OTHER_OPERATORS = [
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "BinaryEquals",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
];
const BASE_OPERATORS = new Set([...STRING_OPERATORS, ...OTHER_OPERATORS]);
const STATEMENT_FIELDS = new Set([
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
]);
const PRINCIPAL_TYPES = new Set(["AWS", "Federated", "Service", "CanonicalUser"]);
/** Web identity providers AWS knows by domain name rather than by an IAM provider ARN. */
const BUILT_IN_FEDERATED = new Set([
  "cognito-identity.amazonaws.com",
  "accounts.google.com",
  "graph.facebook.com",
  "www.amazon.com",
]);

export function malformed(message: string): AwsApiError {
  return new AwsApiError("MalformedPolicyDocument", 400, message);
}

export const SYNTAX = "Syntax errors in policy.";

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A policy value that may be one string or a list of strings. */
export function stringList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")) return value;
  return undefined;
}

/** Condition values may also be numbers or booleans; IAM compares their text. */
function conditionValues(value: unknown): string[] | undefined {
  const scalar = (v: unknown): v is string | number | boolean => ["string", "number", "boolean"].includes(typeof v);
  if (scalar(value)) return [String(value)];
  if (Array.isArray(value) && value.length > 0 && value.every(scalar)) return value.map(String);
  return undefined;
}

export function isKnownConditionOperator(operator: string): boolean {
  let base = operator;
  const set = /^(ForAnyValue|ForAllValues):(.*)$/.exec(base);
  if (set?.[2]) base = set[2];
  if (base === "Null") return set === null;
  if (base.endsWith("IfExists")) base = base.slice(0, -"IfExists".length);
  return BASE_OPERATORS.has(base);
}

export function parseTrustPolicy(text: string, lookups: TrustPolicyLookups): ParsedStatement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed("This policy contains invalid Json");
  }
  if (!isPlainObject(doc)) throw malformed(SYNTAX);
  const size = text.replace(/\s/g, "").length;
  if (size > TRUST_POLICY_MAX_CHARS) {
    throw new AwsApiError("LimitExceeded", 409, `Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_MAX_CHARS}`);
  }
  for (const key of Object.keys(doc)) {
    if (!["Version", "Id", "Statement"].includes(key)) throw malformed(SYNTAX);
  }
  // A missing Version is accepted by IAM (it means 2008-10-17); a wrong one is not.
  if ("Version" in doc && doc.Version !== "2012-10-17" && doc.Version !== "2008-10-17") {
    throw malformed("The policy must contain a valid version string");
  }
  const rawStatements = doc.Statement;
  if (rawStatements === undefined) throw malformed("Missing required field Statement");
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  if (list.length === 0) throw malformed(SYNTAX);
  return list.map((raw) => parseStatement(raw, lookups));
}

function parseStatement(raw: unknown, lookups: TrustPolicyLookups): ParsedStatement {
  if (!isPlainObject(raw)) throw malformed(SYNTAX);
  for (const key of Object.keys(raw)) if (!STATEMENT_FIELDS.has(key)) throw malformed(SYNTAX);
  if (raw.Effect === undefined) throw malformed("Missing required field Effect");
  if (raw.Effect !== "Allow" && raw.Effect !== "Deny")
    throw malformed(`Invalid effect: ${typeof raw.Effect === "string" ? raw.Effect : JSON.stringify(raw.Effect)}`);
  if ("Resource" in raw) throw malformed("Has prohibited field Resource");
  if ("NotResource" in raw) throw malformed("Has prohibited field NotResource");

  const statement: ParsedStatement = { effect: raw.Effect, condition: {} };

  if (raw.Action === undefined && raw.NotAction === undefined) throw malformed("Missing required field Action");
  if (raw.Action !== undefined && raw.NotAction !== undefined) throw malformed(SYNTAX);
  const actions = stringList(raw.Action ?? raw.NotAction);
  if (!actions) throw malformed(SYNTAX);
  for (const action of actions) checkTrustAction(action);
  if (raw.Action !== undefined) statement.action = actions;
  else statement.notAction = actions;

  if (raw.Principal === undefined && raw.NotPrincipal === undefined)
    throw malformed("Missing required field Principal");
  if (raw.Principal !== undefined) statement.principal = parsePrincipal(raw.Principal, lookups);
  if (raw.NotPrincipal !== undefined) statement.notPrincipal = parsePrincipal(raw.NotPrincipal, lookups);

  if (raw.Condition !== undefined) statement.condition = parseCondition(raw.Condition);
  return statement;
}

function checkTrustAction(action: string): void {
  if (action === "*") return;
  const colon = action.indexOf(":");
  if (colon <= 0 || !/^[a-zA-Z0-9-]+$/.test(action.slice(0, colon))) {
    throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  }
  if (action.slice(0, colon).toLowerCase() !== "sts") {
    throw malformed("AssumeRole policy may only specify STS AssumeRole actions.");
  }
}

function parsePrincipal(raw: unknown, lookups: TrustPolicyLookups): "*" | Record<string, string[]> {
  if (raw === "*") return "*";
  if (!isPlainObject(raw)) throw malformed(SYNTAX);
  const out: Record<string, string[]> = {};
  for (const [type, value] of Object.entries(raw)) {
    const values = stringList(value);
    if (!PRINCIPAL_TYPES.has(type) || !values)
      throw malformed(`Invalid principal in policy: "${type}":${JSON.stringify(value)}`);
    for (const v of values) checkPrincipal(type, v, lookups);
    out[type] = values;
  }
  return out;
}

function checkPrincipal(type: string, value: string, lookups: TrustPolicyLookups): void {
  const invalid = (): AwsApiError => malformed(`Invalid principal in policy: "${type}":"${value}"`);
  if (type === "Federated") {
    const arn = /^arn:aws:iam::(\d{12}):(oidc-provider|saml-provider)\/(.+)$/.exec(value);
    if (arn) {
      // Only providers that exist in this account can be trusted; the sandbox has no SAML.
      if (arn[2] !== "oidc-provider" || !lookups.oidcProviderExists(value)) throw invalid();
      return;
    }
    if (BUILT_IN_FEDERATED.has(value)) return;
    if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value)) throw invalid();
    throw malformed("Federated principals must be valid domain names or SAML metadata ARNs");
  }
  if (type === "Service") {
    if (!/^[a-z0-9.-]+\.amazon(aws)?\.com(\.cn)?$/.test(value)) throw invalid();
    return;
  }
  if (type === "CanonicalUser") {
    if (!/^[0-9a-f]{64}$/.test(value)) throw invalid();
    return;
  }
  // AWS principals: "*", an account, or an IAM entity; entities in this account must exist.
  if (value === "*" || /^\d{12}$/.test(value)) return;
  const arn = /^arn:aws:(iam|sts)::(\d{12}):(.+)$/.exec(value);
  if (!arn) throw invalid();
  const [, service, account, resource] = arn as unknown as [string, string, string, string];
  if (account !== ACCOUNT_ID) return;
  if (service === "iam" && resource === "root") return;
  if (service === "iam" && resource.startsWith("role/") && lookups.roleExists(value)) return;
  if (service === "iam" && resource === "user/sandbox-admin") return;
  if (service === "sts" && resource.startsWith("assumed-role/")) return;
  throw invalid();
}

export function parseCondition(raw: unknown): Record<string, Record<string, string[]>> {
  if (!isPlainObject(raw)) throw malformed(SYNTAX);
  const out: Record<string, Record<string, string[]>> = {};
  for (const [operator, block] of Object.entries(raw)) {
    if (!isKnownConditionOperator(operator)) throw malformed(`Invalid Condition type : ${operator}`);
    if (!isPlainObject(block)) throw malformed(SYNTAX);
    const keys: Record<string, string[]> = {};
    for (const [key, value] of Object.entries(block)) {
      if (key.indexOf(":") <= 0)
        throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
      const values = conditionValues(value);
      if (!values) throw malformed(SYNTAX);
      keys[key] = values;
    }
    out[operator] = keys;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Evaluation (STS)

export interface TrustRequest {
  /** Principal type and value the caller presents, e.g. Federated + the provider ARN. */
  principalType: string;
  principal: string;
  action: string;
  /** Condition keys (any case) → values from the request context. */
  context: RequestContext;
}

function principalMatches(principal: "*" | Record<string, string[]>, req: TrustRequest): boolean {
  if (principal === "*") return true;
  return (principal[req.principalType] ?? []).some((value) => value === "*" || value === req.principal);
}

function actionMatches(statement: ParsedStatement, action: string): boolean {
  if (statement.action) return statement.action.some((a) => globMatch(a, action, true));
  return !(statement.notAction ?? []).some((a) => globMatch(a, action, true));
}

/** Explicit Deny wins; otherwise some Allow statement must match principal, action and conditions. */
export function trustPolicyAllows(statements: readonly ParsedStatement[], req: TrustRequest): boolean {
  let allowed = false;
  for (const s of statements) {
    const principalOk = s.principal ? principalMatches(s.principal, req) : !principalMatches(s.notPrincipal ?? {}, req);
    if (!principalOk || !actionMatches(s, req.action)) continue;
    if (!conditionsHold(s.condition, req.context)) continue;
    if (s.effect === "Deny") return false;
    allowed = true;
  }
  return allowed;
}

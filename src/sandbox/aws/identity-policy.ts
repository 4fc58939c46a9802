import { AwsApiError } from "./errors.js";
import { conditionsHold, globMatch, type RequestContext } from "./policy-conditions.js";
import { isPlainObject, malformed, parseCondition, stringList, SYNTAX } from "./policy-document.js";

/**
 * Identity-based policies (a role's managed and inline policies, its permissions boundary): parsed
 * as IAM validates them on PutRolePolicy, and evaluated as IAM does for one request — an explicit
 * Deny wins, then any Allow, else the request is implicitly denied.
 */

export interface IdentityStatement {
  effect: "Allow" | "Deny";
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  condition: Record<string, Record<string, string[]>>;
}

export interface AuthorizationRequest {
  /** "service:Operation", matched case-insensitively as IAM matches actions. */
  action: string;
  /** The target's ARN, or "*" for actions with no resource type. */
  resource: string;
  context: RequestContext;
}

export type Decision = "allow" | "explicitDeny" | "implicitDeny";

const STATEMENT_FIELDS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"]);
const VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";

function checkAction(action: string): void {
  if (action === "*") return;
  const colon = action.indexOf(":");
  if (colon <= 0 || !/^[a-zA-Z0-9-]+$/.test(action.slice(0, colon))) throw malformed(VENDOR);
}

function checkResource(resource: string): void {
  if (resource === "*" || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:.*$/.test(resource)) return;
  throw malformed(`Resource ${resource} must be in ARN format or "*".`);
}

/** `Action` or `NotAction` (likewise Resource): exactly one of the pair, a string or a list of them. */
function element(
  raw: Record<string, unknown>,
  name: "Action" | "Resource",
  plural: string,
  check: (value: string) => void,
): { positive: boolean; values: string[] } {
  const positive = raw[name];
  const negated = raw[`Not${name}`];
  if (positive === undefined && negated === undefined) throw malformed(`Policy statement must contain ${plural}.`);
  if (positive !== undefined && negated !== undefined) throw malformed(SYNTAX);
  const values = stringList(positive ?? negated);
  if (!values) throw malformed(SYNTAX);
  values.forEach(check);
  return { positive: positive !== undefined, values };
}

function parseStatement(raw: unknown): IdentityStatement {
  if (!isPlainObject(raw)) throw malformed(SYNTAX);
  if ("Principal" in raw || "NotPrincipal" in raw) throw malformed("Policy document should not specify a principal.");
  for (const key of Object.keys(raw)) if (!STATEMENT_FIELDS.has(key)) throw malformed(SYNTAX);
  if (raw.Effect !== "Allow" && raw.Effect !== "Deny") {
    if (raw.Effect === undefined) throw malformed("Missing required field Effect");
    throw malformed(`Invalid effect: ${typeof raw.Effect === "string" ? raw.Effect : JSON.stringify(raw.Effect)}`);
  }
  const statement: IdentityStatement = { effect: raw.Effect, condition: {} };
  const actions = element(raw, "Action", "actions", checkAction);
  if (actions.positive) statement.action = actions.values;
  else statement.notAction = actions.values;
  const resources = element(raw, "Resource", "resources", checkResource);
  if (resources.positive) statement.resource = resources.values;
  else statement.notResource = resources.values;
  if (raw.Condition !== undefined) statement.condition = parseCondition(raw.Condition);
  return statement;
}

/** A policy document, as text (inline policies) or already parsed (the managed policy snapshot). */
export function parseIdentityPolicy(document: unknown): IdentityStatement[] {
  let doc = document;
  if (typeof document === "string") {
    try {
      doc = JSON.parse(document);
    } catch {
      throw malformed("This policy contains invalid Json");
    }
  }
  if (!isPlainObject(doc)) throw malformed(SYNTAX);
  for (const key of Object.keys(doc)) if (!["Version", "Id", "Statement"].includes(key)) throw malformed(SYNTAX);
  if ("Version" in doc && doc.Version !== "2012-10-17" && doc.Version !== "2008-10-17")
    throw malformed("The policy must contain a valid version string");
  if (doc.Statement === undefined) throw malformed("Missing required field Statement");
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (list.length === 0) throw malformed(SYNTAX);
  return list.map(parseStatement);
}

function statementApplies(s: IdentityStatement, req: AuthorizationRequest): boolean {
  const actionHit = (s.action ?? s.notAction ?? []).some((a) => globMatch(a, req.action, true));
  if (s.action ? !actionHit : actionHit) return false;
  // Resource ARNs compare case-sensitively; "*" and "?" may stand anywhere in them.
  const resourceHit = (s.resource ?? s.notResource ?? []).some((r) => globMatch(r, req.resource, false));
  if (s.resource ? !resourceHit : resourceHit) return false;
  return conditionsHold(s.condition, req.context);
}

/** One set of policies evaluated together: explicit Deny wins, then Allow, else implicit deny. */
export function evaluateStatements(statements: readonly IdentityStatement[], req: AuthorizationRequest): Decision {
  let allowed = false;
  for (const s of statements) {
    if (!statementApplies(s, req)) continue;
    if (s.effect === "Deny") return "explicitDeny";
    allowed = true;
  }
  return allowed ? "allow" : "implicitDeny";
}

/** Rethrown so that a stored document the sandbox cannot read fails loudly, not as a silent deny. */
export function parseStoredPolicy(document: unknown, where: string): IdentityStatement[] {
  try {
    return parseIdentityPolicy(document);
  } catch (err) {
    if (err instanceof AwsApiError)
      throw new Error(`policy ${where} cannot be evaluated: ${err.message}`, { cause: err });
    throw err;
  }
}

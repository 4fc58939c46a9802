import { AwsApiError, ConstraintCheck } from "./errors.js";
import { paginate, POLICY_TEXT_PATTERN, type QueryOperation } from "./iam-common.js";
import { checkRoleName, requireRole, roleResource } from "./iam-roles.js";
import { parseIdentityPolicy } from "./identity-policy.js";
import type { QueryInput } from "./query-protocol.js";
import type { AwsState, RoleRecord } from "./state.js";

/** A role's inline policies: written, read, listed and deleted by name; evaluated for its sessions. */

/** IAM's quota "Role policy size": all of a role's inline policies together, whitespace not counted. */
const MAX_INLINE_CHARS = 10_240;

function checkPolicyName(check: ConstraintCheck, name: string | undefined): void {
  if (!check.required(name, "policyName")) return;
  check.length(name, "policyName", 1, 128);
  check.pattern(name, "policyName", /^[\w+=,.@-]+$/, "[\\w+=,.@-]+");
}

/** Role and policy name validated together (one ValidationError naming both), then the role found. */
function roleAndName(state: AwsState, input: QueryInput, check = new ConstraintCheck()): [RoleRecord, string] {
  const name = input.str("PolicyName");
  checkRoleName(check, input.str("RoleName"));
  checkPolicyName(check, name);
  check.throwIfAny();
  return [requireRole(state, input), name as string];
}

function requireInline(role: RoleRecord, name: string): string {
  const text = role.inlinePolicies?.[name];
  if (text === undefined)
    throw new AwsApiError("NoSuchEntity", 404, `The role policy with name ${name} cannot be found.`);
  return text;
}

const compactLength = (text: string): number => text.replace(/\s/g, "").length;

export const inlinePolicyOperations: Record<string, QueryOperation> = {
  PutRolePolicy: {
    write: true,
    resource: roleResource,
    run: ({ state, input }) => {
      const document = input.str("PolicyDocument");
      const check = new ConstraintCheck();
      if (check.required(document, "policyDocument")) {
        check.length(document, "policyDocument", 1, 131072);
        check.pattern(document, "policyDocument", POLICY_TEXT_PATTERN, "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
      }
      const [role, name] = roleAndName(state, input, check);
      parseIdentityPolicy(document);
      const others = Object.entries(role.inlinePolicies ?? {}).filter(([n]) => n !== name);
      const total = others.reduce((sum, [, text]) => sum + compactLength(text), compactLength(document as string));
      if (total > MAX_INLINE_CHARS) {
        throw new AwsApiError(
          "LimitExceeded",
          409,
          `Maximum policy size of ${MAX_INLINE_CHARS} bytes exceeded for role ${role.roleName}`,
        );
      }
      role.inlinePolicies = { ...role.inlinePolicies, [name]: document as string };
      return {};
    },
  },

  GetRolePolicy: {
    write: false,
    resource: roleResource,
    run: ({ state, input }) => {
      const [role, name] = roleAndName(state, input);
      // Returned URL-encoded, exactly as submitted, like every IAM policy document.
      const document = encodeURIComponent(requireInline(role, name));
      return { result: { RoleName: role.roleName, PolicyName: name, PolicyDocument: document } };
    },
  },

  DeleteRolePolicy: {
    write: true,
    resource: roleResource,
    run: ({ state, input }) => {
      const [role, name] = roleAndName(state, input);
      requireInline(role, name);
      const { [name]: _removed, ...rest } = role.inlinePolicies ?? {};
      role.inlinePolicies = rest;
      return {};
    },
  },

  ListRolePolicies: {
    write: false,
    resource: roleResource,
    run: ({ state, input }) => {
      const role = requireRole(state, input);
      const names = Object.keys(role.inlinePolicies ?? {}).sort();
      const { page, IsTruncated, Marker } = paginate(names, input);
      return { result: { PolicyNames: page, IsTruncated, Marker } };
    },
  },
};

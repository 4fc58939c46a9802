import { AwsApiError, ConstraintCheck } from "./errors.js";
import {
  checkTagKeysAllowed,
  checkTags,
  POLICY_TEXT_PATTERN,
  ROLE_NAME_PATTERN,
  ROLE_NAME_SHOWN,
  sortedTagsXml,
  type QueryOperation,
} from "./iam-common.js";
import { parsePolicyArn } from "./iam-policy-arn.js";
import { findManagedPolicy } from "./managed-policies.js";
import { taggingOperations } from "./iam-tagging.js";
import { parseTrustPolicy, type ParsedStatement } from "./policy-document.js";
import type { QueryInput } from "./query-protocol.js";
import { ACCOUNT_ID, PARTITION, uniqueId, type AwsState, type RoleRecord } from "./state.js";
import type { XmlValue } from "./xml.js";

/** IAM roles: create, read, trust policy, session length, tags, delete. */

const MAX_ROLES = 1000;
const PATH_PATTERN = /^(\/|\/[\u0021-\u007F]+\/)$/;
const DESCRIPTION_PATTERN = /^[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*$/u;

export function roleArn(path: string, name: string): string {
  return `arn:${PARTITION}:iam::${ACCOUNT_ID}:role${path}${name}`;
}

export function findRoleByName(state: AwsState, name: string): RoleRecord | undefined {
  return state.roles[name.toLowerCase()];
}

export function findRoleByArn(state: AwsState, arn: string): RoleRecord | undefined {
  return Object.values(state.roles).find((r) => r.arn === arn);
}

/** Trust policies reference providers and roles that must exist at the time of the call. */
export function validateTrustPolicy(state: AwsState, text: string): ParsedStatement[] {
  return parseTrustPolicy(text, {
    oidcProviderExists: (arn) => state.oidcProviders[arn] !== undefined,
    roleExists: (arn) => findRoleByArn(state, arn) !== undefined,
  });
}

export function checkRoleName(check: ConstraintCheck, name: string | undefined): void {
  if (!check.required(name, "roleName")) return;
  check.length(name, "roleName", 1, 64);
  check.pattern(name, "roleName", ROLE_NAME_PATTERN, ROLE_NAME_SHOWN);
}

function checkPolicyText(check: ConstraintCheck, text: string | undefined, field: string): void {
  if (!check.required(text, field)) return;
  check.length(text, field, 1, 131072);
  check.pattern(text, field, POLICY_TEXT_PATTERN, "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
}

function checkDescription(check: ConstraintCheck, text: string | undefined): void {
  check.length(text, "description", 0, 1000);
  check.pattern(text, "description", DESCRIPTION_PATTERN, "[\\p{L}\\p{M}\\p{Z}\\p{S}\\p{N}\\p{P}]*");
}

/** A permissions boundary must be a managed policy that exists (IAM's wording for one that does not). */
async function requireBoundaryPolicy(arn: string): Promise<void> {
  parsePolicyArn(arn);
  if (!(await findManagedPolicy(arn)))
    throw new AwsApiError("NoSuchEntity", 404, `Scope ARN: ${arn} does not exist or is not attachable.`);
}

export function requireRole(state: AwsState, input: QueryInput): RoleRecord {
  const name = input.str("RoleName");
  const check = new ConstraintCheck();
  checkRoleName(check, name);
  check.throwIfAny();
  const role = findRoleByName(state, name as string);
  if (!role) throw new AwsApiError("NoSuchEntity", 404, `The role with name ${name as string} cannot be found.`);
  return role;
}

/**
 * The Role structure; IAM returns the trust policy URL-encoded, exactly as it was submitted.
 * `listed`: ListRoles leaves out PermissionsBoundary, RoleLastUsed and Tags [IAM-API ListRoles].
 */
export function roleXml(role: RoleRecord, withTags: boolean, withLastUsed: boolean, listed = false): XmlValue {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: new Date(role.createDate),
    AssumeRolePolicyDocument: encodeURIComponent(role.assumeRolePolicyDocument),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    PermissionsBoundary:
      role.permissionsBoundaryArn !== undefined && !listed
        ? { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: role.permissionsBoundaryArn }
        : undefined,
    Tags: withTags && role.tags.length > 0 ? sortedTagsXml(role.tags) : undefined,
    RoleLastUsed: withLastUsed ? {} : undefined,
  };
}

/** The role's ARN, with its real path when the role exists (policies may scope roles by path). */
export function roleResource(input: QueryInput, _region: string, state: AwsState): string {
  const name = input.str("RoleName") ?? "*";
  return findRoleByName(state, name)?.arn ?? roleArn("/", name);
}

export const roleOperations: Record<string, QueryOperation> = {
  CreateRole: {
    write: true,
    resource: (input) => roleArn(input.str("Path") ?? "/", input.str("RoleName") ?? "*"),
    run: async ({ state, input, now }) => {
      const name = input.str("RoleName");
      const path = input.str("Path") ?? "/";
      const document = input.str("AssumeRolePolicyDocument");
      const description = input.str("Description");
      const maxSessionDuration = input.int("MaxSessionDuration", "maxSessionDuration");
      const boundary = input.str("PermissionsBoundary");
      const tags = input.tags("Tags") ?? [];
      const check = new ConstraintCheck();
      check.length(path, "path", 1, 512);
      check.pattern(path, "path", PATH_PATTERN, "(\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)");
      checkRoleName(check, name);
      checkPolicyText(check, document, "assumeRolePolicyDocument");
      checkDescription(check, description);
      check.range(maxSessionDuration, "maxSessionDuration", 3600, 43200);
      check.length(boundary, "permissionsBoundary", 20, 2048);
      checkTags(check, tags);
      check.throwIfAny();
      checkTagKeysAllowed(tags);
      if (boundary !== undefined) await requireBoundaryPolicy(boundary);

      const roleName = name as string;
      if (findRoleByName(state, roleName)) {
        throw new AwsApiError("EntityAlreadyExists", 409, `Role with name ${roleName} already exists.`);
      }
      validateTrustPolicy(state, document as string);
      if (Object.keys(state.roles).length >= MAX_ROLES) {
        throw new AwsApiError("LimitExceeded", 409, `Cannot exceed quota for RolesPerAccount: ${MAX_ROLES}`);
      }
      const role: RoleRecord = {
        roleName,
        roleId: uniqueId("AROA", 17),
        path,
        arn: roleArn(path, roleName),
        createDate: new Date(now).toISOString(),
        assumeRolePolicyDocument: document as string,
        ...(description !== undefined ? { description } : {}),
        maxSessionDuration: maxSessionDuration ?? 3600,
        ...(boundary !== undefined ? { permissionsBoundaryArn: boundary } : {}),
        tags,
        attachedPolicyArns: [],
      };
      state.roles[roleName.toLowerCase()] = role;
      return { result: { Role: roleXml(role, true, false) } };
    },
  },

  GetRole: {
    write: false,
    resource: roleResource,
    run: ({ state, input }) => ({ result: { Role: roleXml(requireRole(state, input), true, true) } }),
  },

  UpdateAssumeRolePolicy: {
    write: true,
    resource: roleResource,
    run: ({ state, input }) => {
      const document = input.str("PolicyDocument");
      const check = new ConstraintCheck();
      checkRoleName(check, input.str("RoleName"));
      checkPolicyText(check, document, "policyDocument");
      check.throwIfAny();
      const role = requireRole(state, input);
      validateTrustPolicy(state, document as string);
      role.assumeRolePolicyDocument = document as string;
      return {};
    },
  },

  UpdateRole: {
    write: true,
    resource: roleResource,
    run: ({ state, input }) => {
      const description = input.str("Description");
      const maxSessionDuration = input.int("MaxSessionDuration", "maxSessionDuration");
      const check = new ConstraintCheck();
      checkRoleName(check, input.str("RoleName"));
      checkDescription(check, description);
      check.range(maxSessionDuration, "maxSessionDuration", 3600, 43200);
      check.throwIfAny();
      const role = requireRole(state, input);
      if (description !== undefined) role.description = description;
      if (maxSessionDuration !== undefined) role.maxSessionDuration = maxSessionDuration;
      return { result: {} };
    },
  },

  DeleteRole: {
    write: true,
    resource: roleResource,
    run: ({ state, input }) => {
      const role = requireRole(state, input);
      if (role.attachedPolicyArns.length > 0) {
        throw new AwsApiError("DeleteConflict", 409, "Cannot delete entity, must detach all policies first.");
      }
      if (Object.keys(role.inlinePolicies ?? {}).length > 0) {
        throw new AwsApiError("DeleteConflict", 409, "Cannot delete entity, must delete policies first.");
      }
      delete state.roles[role.roleName.toLowerCase()];
      return {};
    },
  },

  ...taggingOperations({
    entity: "Role",
    quota: "TagsPerRole",
    resource: roleResource,
    checkId: (check, input) => checkRoleName(check, input.str("RoleName")),
    find: requireRole,
  }),
};

import { AwsApiError, ConstraintCheck } from "./errors.js";
import { paginate, type QueryOperation } from "./iam-common.js";
import { parsePolicyArn } from "./iam-policy-arn.js";
import { checkRoleName, roleResource, requireRole } from "./iam-roles.js";
import { findManagedPolicy, type ManagedPolicy } from "./managed-policies.js";
import type { QueryInput } from "./query-protocol.js";
import type { AwsState, RoleRecord } from "./state.js";

/** Managed policy attachments on roles, and reading the AWS managed policies the sandbox knows. */

const MAX_POLICIES_PER_ROLE = 10;

/** `check` carries the operation's other member checks: AWS reports every invalid member at once. */
function policyArnInput(input: QueryInput, check = new ConstraintCheck()): string {
  const arn = input.str("PolicyArn");
  if (check.required(arn, "policyArn")) check.length(arn, "policyArn", 20, 2048);
  check.throwIfAny();
  return parsePolicyArn(arn as string).arn;
}

async function requirePolicy(input: QueryInput, check = new ConstraintCheck()): Promise<ManagedPolicy> {
  const arn = policyArnInput(input, check);
  const policy = await findManagedPolicy(arn);
  if (!policy) throw new AwsApiError("NoSuchEntity", 404, `Policy ${arn} was not found.`);
  return policy;
}

function attachmentCount(state: AwsState, arn: string): number {
  return Object.values(state.roles).filter((r) => r.attachedPolicyArns.includes(arn)).length;
}

/** Both members validated together (one ValidationError naming all), then the role looked up. */
function roleAndPolicy(state: AwsState, input: QueryInput): { role: RoleRecord; arn: string } {
  const check = new ConstraintCheck();
  checkRoleName(check, input.str("RoleName"));
  const arn = policyArnInput(input, check);
  return { role: requireRole(state, input), arn };
}

export const rolePolicyOperations: Record<string, QueryOperation> = {
  AttachRolePolicy: {
    write: true,
    resource: roleResource,
    run: async ({ state, input }) => {
      const { role, arn } = roleAndPolicy(state, input);
      if (!(await findManagedPolicy(arn)))
        throw new AwsApiError("NoSuchEntity", 404, `Policy ${arn} does not exist or is not attachable.`);
      if (!role.attachedPolicyArns.includes(arn)) {
        if (role.attachedPolicyArns.length >= MAX_POLICIES_PER_ROLE) {
          throw new AwsApiError(
            "LimitExceeded",
            409,
            `Cannot exceed quota for PoliciesPerRole: ${MAX_POLICIES_PER_ROLE}`,
          );
        }
        role.attachedPolicyArns.push(arn);
      }
      return {};
    },
  },

  DetachRolePolicy: {
    write: true,
    resource: roleResource,
    run: ({ state, input }) => {
      const { role, arn } = roleAndPolicy(state, input);
      if (!role.attachedPolicyArns.includes(arn))
        throw new AwsApiError("NoSuchEntity", 404, `Policy ${arn} was not found.`);
      role.attachedPolicyArns = role.attachedPolicyArns.filter((a) => a !== arn);
      return {};
    },
  },

  ListAttachedRolePolicies: {
    write: false,
    resource: roleResource,
    run: ({ state, input }) => {
      const prefix = input.str("PathPrefix") ?? "/";
      const check = new ConstraintCheck();
      checkRoleName(check, input.str("RoleName"));
      check.length(prefix, "pathPrefix", 1, 512);
      check.pattern(prefix, "pathPrefix", /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/, "((/[A-Za-z0-9\\.,\\+@=_-]+)*)/");
      check.throwIfAny();
      const role = requireRole(state, input);
      const attached = role.attachedPolicyArns.filter((arn) => parsePolicyArn(arn).path.startsWith(prefix));
      const { page, IsTruncated, Marker } = paginate(attached, input);
      return {
        result: {
          AttachedPolicies: page.map((arn) => ({ PolicyName: arn.slice(arn.lastIndexOf("/") + 1), PolicyArn: arn })),
          IsTruncated,
          Marker,
        },
      };
    },
  },

  GetPolicy: {
    write: false,
    resource: (input) => input.str("PolicyArn") ?? "*",
    run: async ({ state, input }) => {
      const p = await requirePolicy(input);
      return {
        result: {
          Policy: {
            PolicyName: p.name,
            PolicyId: p.policyId,
            Arn: p.arn,
            Path: p.path,
            DefaultVersionId: p.defaultVersionId,
            AttachmentCount: attachmentCount(state, p.arn),
            PermissionsBoundaryUsageCount: Object.values(state.roles).filter((r) => r.permissionsBoundaryArn === p.arn)
              .length,
            IsAttachable: true,
            CreateDate: new Date(p.createDate),
            UpdateDate: new Date(p.updateDate),
            Tags: [],
          },
        },
      };
    },
  },

  GetPolicyVersion: {
    write: false,
    resource: (input) => input.str("PolicyArn") ?? "*",
    run: async ({ input }) => {
      const versionId = input.str("VersionId");
      const check = new ConstraintCheck();
      if (check.required(versionId, "versionId"))
        check.pattern(versionId, "versionId", /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/, "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?");
      const p = await requirePolicy(input, check);
      // Only the default version's document is kept; older versions are not emulated.
      if (versionId !== p.defaultVersionId) {
        throw new AwsApiError(
          "NoSuchEntity",
          404,
          `Policy ${p.arn} version ${versionId as string} does not exist or is not attachable.`,
        );
      }
      return {
        result: {
          PolicyVersion: {
            Document: encodeURIComponent(JSON.stringify(p.document)),
            VersionId: p.defaultVersionId,
            IsDefaultVersion: true,
            CreateDate: new Date(p.updateDate),
          },
        },
      };
    },
  },
};

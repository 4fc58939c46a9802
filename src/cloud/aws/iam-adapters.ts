import type { AwsClientSettings } from "./settings.js";
import type { OidcProviderPort, Role, RolePort, RoleSummary } from "./ports.js";
import { call, findable, tagList, tagMap } from "./sdk-call.js";
import { cloudError } from "../../errors.js";

async function iamClient(settings: AwsClientSettings) {
  const iam = await import("@aws-sdk/client-iam");
  return { iam, client: new iam.IAMClient(settings.clientConfig("iam")) };
}

/** IAM OpenID Connect providers over the SDK. */
export async function createOidcProviderPort(settings: AwsClientSettings): Promise<OidcProviderPort> {
  const { iam, client } = await iamClient(settings);
  return {
    async get(arn) {
      const out = await findable(`IAM GetOpenIDConnectProvider ${arn}`, () =>
        client.send(new iam.GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
      );
      if (!out) return undefined;
      return {
        arn,
        url: out.Url ?? "",
        clientIds: out.ClientIDList ?? [],
        thumbprints: out.ThumbprintList ?? [],
        tags: tagMap(out.Tags),
      };
    },
    async create(input) {
      const out = await call(`IAM CreateOpenIDConnectProvider ${input.url}`, () =>
        client.send(
          new iam.CreateOpenIDConnectProviderCommand({
            Url: input.url,
            ClientIDList: [...input.clientIds],
            ...(input.thumbprints.length ? { ThumbprintList: [...input.thumbprints] } : {}),
            Tags: tagList(input.tags),
          }),
        ),
      );
      return out.OpenIDConnectProviderArn ?? "";
    },
    async addClientId(arn, clientId) {
      await call(`IAM AddClientIDToOpenIDConnectProvider ${arn}`, () =>
        client.send(
          new iam.AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: clientId }),
        ),
      );
    },
    async updateThumbprints(arn, thumbprints) {
      await call(`IAM UpdateOpenIDConnectProviderThumbprint ${arn}`, () =>
        client.send(
          new iam.UpdateOpenIDConnectProviderThumbprintCommand({
            OpenIDConnectProviderArn: arn,
            ThumbprintList: [...thumbprints],
          }),
        ),
      );
    },
    async removeClientId(arn, clientId) {
      await call(`IAM RemoveClientIDFromOpenIDConnectProvider ${arn}`, () =>
        client.send(
          new iam.RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: clientId }),
        ),
      );
    },
    async delete(arn) {
      // AWS documents this call as idempotent; whichever way it answers a missing provider, it is gone.
      await findable(`IAM DeleteOpenIDConnectProvider ${arn}`, () =>
        client.send(new iam.DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
      );
    },
  };
}

/** IAM roles and their managed policies over the SDK. */
export async function createRolePort(settings: AwsClientSettings): Promise<RolePort> {
  const { iam, client } = await iamClient(settings);
  return {
    async get(name) {
      const out = await findable(`IAM GetRole ${name}`, () => client.send(new iam.GetRoleCommand({ RoleName: name })));
      if (!out?.Role) return undefined;
      const tags = await call(`IAM ListRoleTags ${name}`, () =>
        client.send(new iam.ListRoleTagsCommand({ RoleName: name })),
      );
      return toRole(out.Role, tagMap(tags.Tags));
    },
    async create(input) {
      const out = await call(`IAM CreateRole ${input.name}`, () =>
        client.send(
          new iam.CreateRoleCommand({
            RoleName: input.name,
            AssumeRolePolicyDocument: JSON.stringify(input.trustPolicy),
            MaxSessionDuration: input.maxSessionDuration,
            Description: input.description,
            Tags: tagList(input.tags),
          }),
        ),
      );
      if (!out.Role) throw cloudError(`IAM CreateRole ${input.name}`, new Error("the answer held no role"));
      return toRole(out.Role, { ...input.tags });
    },
    async updateTrustPolicy(name, trustPolicy) {
      await call(`IAM UpdateAssumeRolePolicy ${name}`, () =>
        client.send(
          new iam.UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: JSON.stringify(trustPolicy) }),
        ),
      );
    },
    async updateMaxSessionDuration(name, seconds) {
      await call(`IAM UpdateRole ${name}`, () =>
        client.send(new iam.UpdateRoleCommand({ RoleName: name, MaxSessionDuration: seconds })),
      );
    },
    async policyExists(arn) {
      const out = await findable(`IAM GetPolicy ${arn}`, () =>
        client.send(new iam.GetPolicyCommand({ PolicyArn: arn })),
      );
      return out?.Policy !== undefined;
    },
    async listAttachedPolicies(roleName) {
      const arns: string[] = [];
      let marker: string | undefined;
      do {
        const page = marker;
        const out = await findable(`IAM ListAttachedRolePolicies ${roleName}`, () =>
          client.send(
            new iam.ListAttachedRolePoliciesCommand({ RoleName: roleName, ...(page ? { Marker: page } : {}) }),
          ),
        );
        if (!out) return [];
        arns.push(...(out.AttachedPolicies ?? []).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])));
        marker = out.IsTruncated ? out.Marker : undefined;
      } while (marker);
      return arns;
    },
    async attachPolicy(roleName, policyArn) {
      await call(`IAM AttachRolePolicy ${policyArn} to ${roleName}`, () =>
        client.send(new iam.AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn })),
      );
    },
    async detachPolicy(roleName, policyArn) {
      await findable(`IAM DetachRolePolicy ${policyArn} from ${roleName}`, () =>
        client.send(new iam.DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn })),
      );
    },
    async delete(name) {
      await findable(`IAM DeleteRole ${name}`, () => client.send(new iam.DeleteRoleCommand({ RoleName: name })));
    },
    async list() {
      const roles: RoleSummary[] = [];
      let marker: string | undefined;
      do {
        const page = marker;
        const out = await call("IAM ListRoles", () =>
          client.send(new iam.ListRolesCommand(page ? { Marker: page } : {})),
        );
        for (const role of out.Roles ?? []) {
          const { name, arn, trustPolicy } = toRole(role, {});
          roles.push({ name, arn, trustPolicy });
        }
        marker = out.IsTruncated ? out.Marker : undefined;
      } while (marker);
      return roles;
    },
  };
}

function toRole(
  role: {
    RoleName?: string | undefined;
    Arn?: string | undefined;
    AssumeRolePolicyDocument?: string | undefined;
    MaxSessionDuration?: number | undefined;
    CreateDate?: Date | undefined;
  },
  tags: Record<string, string>,
): Role {
  const raw = role.AssumeRolePolicyDocument ?? "{}";
  // IAM returns the document URL-encoded (RFC 3986); a plain JSON one is tolerated too.
  const text = raw.trimStart().startsWith("{") ? raw : decodeURIComponent(raw);
  return {
    name: role.RoleName ?? "",
    arn: role.Arn ?? "",
    trustPolicy: JSON.parse(text) as unknown,
    maxSessionDuration: role.MaxSessionDuration ?? 3600,
    ...(role.CreateDate ? { createdAt: role.CreateDate } : {}),
    tags,
  };
}

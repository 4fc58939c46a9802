import type { AwsClientSettings } from "./settings.js";
import type { IamPort, OidcProvider, Role, SsmPort, StsPort } from "./ports.js";
import { cloudError } from "../../errors.js";

/**
 * SDK adapters for the AWS ports. SDK modules are imported here, lazily, and nowhere else; every
 * SDK error is wrapped once, with what we were doing.
 */
export async function createStsPort(settings: AwsClientSettings): Promise<StsPort> {
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const client = new STSClient(settings.clientConfig("sts"));
  return {
    async callerIdentity() {
      const out = await call("STS GetCallerIdentity (who am I in AWS?)", () =>
        client.send(new GetCallerIdentityCommand({})),
      );
      const arn = out.Arn ?? "";
      return { account: out.Account ?? "", arn, partition: arn.split(":")[1] ?? "aws" };
    },
  };
}

export async function createIamPort(settings: AwsClientSettings): Promise<IamPort> {
  const iam = await import("@aws-sdk/client-iam");
  const client = new iam.IAMClient(settings.clientConfig("iam"));
  const tagList = (tags: Readonly<Record<string, string>>) =>
    Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const tagMap = (tags?: { Key?: string | undefined; Value?: string | undefined }[]) =>
    Object.fromEntries((tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));

  return {
    async getOidcProvider(arn): Promise<OidcProvider | undefined> {
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
    async createOidcProvider(input) {
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

    async getRole(name): Promise<Role | undefined> {
      const out = await findable(`IAM GetRole ${name}`, () => client.send(new iam.GetRoleCommand({ RoleName: name })));
      if (!out?.Role) return undefined;
      const tags = await call(`IAM ListRoleTags ${name}`, () =>
        client.send(new iam.ListRoleTagsCommand({ RoleName: name })),
      );
      return toRole(out.Role, tagMap(tags.Tags));
    },
    async createRole(input) {
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
      return toRole(out.Role, input.tags);
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
    async listAttachedPolicies(roleName) {
      const arns: string[] = [];
      let marker: string | undefined;
      do {
        const out = await call(`IAM ListAttachedRolePolicies ${roleName}`, () =>
          client.send(new iam.ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker })),
        );
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
  };
}

export async function createSsmPort(settings: AwsClientSettings): Promise<SsmPort> {
  const ssm = await import("@aws-sdk/client-ssm");
  const client = new ssm.SSMClient(settings.clientConfig("ssm"));
  return {
    async getParameter(name) {
      const out = await findable(
        `SSM GetParameter ${name}`,
        () => client.send(new ssm.GetParameterCommand({ Name: name })),
        "ParameterNotFound",
      );
      const p = out?.Parameter;
      if (!p) return undefined;
      // GetParameter carries no tags; they tell whether this deployment wrote the parameter.
      const tags = await call(`SSM ListTagsForResource ${name}`, () =>
        client.send(new ssm.ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name })),
      );
      const tagMap = Object.fromEntries((tags.TagList ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
      return { name: p.Name ?? name, value: p.Value ?? "", type: p.Type ?? "String", arn: p.ARN ?? "", tags: tagMap };
    },
    async putParameter(input) {
      await call(`SSM PutParameter ${input.name}`, () =>
        client.send(
          new ssm.PutParameterCommand({
            Name: input.name,
            Value: input.value,
            Type: "String",
            Description: input.description,
            Overwrite: input.overwrite,
            // SSM refuses Tags together with Overwrite; tags are set on creation only.
            ...(input.overwrite ? {} : { Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })) }),
          }),
        ),
      );
    },
  };
}

function toRole(
  role: {
    RoleName?: string | undefined;
    Arn?: string | undefined;
    AssumeRolePolicyDocument?: string | undefined;
    MaxSessionDuration?: number | undefined;
  },
  tags: Record<string, string>,
): Role {
  const raw = role.AssumeRolePolicyDocument ?? "{}";
  // IAM returns the document URL-encoded (RFC 3986); a plain JSON one is tolerated too.
  const text = raw.trimStart().startsWith("{") ? raw : decodeURIComponent(raw);
  return {
    name: role.RoleName ?? "",
    arn: role.Arn ?? "",
    trustPolicy: JSON.parse(text),
    maxSessionDuration: role.MaxSessionDuration ?? 3600,
    tags,
  };
}

async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw cloudError(action, err);
  }
}

/** Like call, but a "not found" answer becomes undefined: absence is data, not failure. */
async function findable<T>(action: string, run: () => Promise<T>, notFound = "NoSuchEntity"): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    const name = (err as { name?: string }).name ?? "";
    if (name === notFound || name === `${notFound}Exception`) return undefined;
    throw cloudError(action, err);
  }
}

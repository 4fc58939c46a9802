import type { AwsClientSettings } from "./settings.js";
import type { SsmPort } from "./ports.js";
import { call, findable, tagList, tagMap } from "./sdk-call.js";

/** SSM parameters over the SDK. */
export async function createSsmPort(settings: AwsClientSettings): Promise<SsmPort> {
  const ssm = await import("@aws-sdk/client-ssm");
  const client = new ssm.SSMClient(settings.clientConfig("ssm"));
  return {
    async get(name) {
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
      return {
        name: p.Name ?? name,
        value: p.Value ?? "",
        type: p.Type ?? "String",
        arn: p.ARN ?? "",
        tags: tagMap(tags.TagList),
      };
    },
    async put(input) {
      await call(`SSM PutParameter ${input.name}`, () =>
        client.send(
          new ssm.PutParameterCommand({
            Name: input.name,
            Value: input.value,
            Type: "String",
            Description: input.description,
            Overwrite: input.overwrite,
            // SSM refuses Tags together with Overwrite; tags are set on creation only.
            ...(input.overwrite ? {} : { Tags: tagList(input.tags) }),
          }),
        ),
      );
    },
    async restore(name, value) {
      // No Type, Description or Tags: an overwrite without them keeps the parameter's own.
      await call(`SSM PutParameter ${name} (previous value)`, () =>
        client.send(new ssm.PutParameterCommand({ Name: name, Value: value, Overwrite: true })),
      );
    },
    async delete(name) {
      await findable(
        `SSM DeleteParameter ${name}`,
        () => client.send(new ssm.DeleteParameterCommand({ Name: name })),
        "ParameterNotFound",
      );
    },
  };
}

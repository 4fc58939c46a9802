import { ConstraintCheck } from "./errors.js";
import {
  checkTagKeys,
  checkTags,
  mergeTags,
  paginate,
  checkTagKeysAllowed,
  removeTags,
  sortedByKey,
  sortedTagsXml,
  type QueryOperation,
} from "./iam-common.js";
import type { QueryInput } from "./query-protocol.js";
import type { AwsState, AwsTag } from "./state.js";

/** An IAM entity with tags (a role, an OpenID Connect provider). */
interface Taggable {
  tags: AwsTag[];
}

export interface TaggingSpec<T extends Taggable> {
  /** The entity's name in the operation names: `Tag<entity>`, `Untag<entity>`, `List<entity>Tags`. */
  readonly entity: string;
  /** IAM's quota name in LimitExceeded messages, e.g. "TagsPerRole". */
  readonly quota: string;
  readonly resource: (input: QueryInput, region: string, state: AwsState) => string;
  /** Model-validates the members that name the entity, into the caller's check. */
  readonly checkId: (check: ConstraintCheck, input: QueryInput) => void;
  /** The entity, or AWS's error for a malformed or unknown one (its members already validated). */
  readonly find: (state: AwsState, input: QueryInput) => T;
}

/**
 * Tag, Untag and List…Tags behave the same for every taggable IAM entity: all invalid members in
 * one ValidationError, reserved and duplicate keys refused, keys matched case-insensitively,
 * lists sorted by key and paged.
 */
export function taggingOperations<T extends Taggable>(spec: TaggingSpec<T>): Record<string, QueryOperation> {
  return {
    [`Tag${spec.entity}`]: {
      write: true,
      resource: spec.resource,
      run: ({ state, input }) => {
        const tags = input.tags("Tags");
        const check = new ConstraintCheck();
        spec.checkId(check, input);
        check.required(tags, "tags");
        checkTags(check, tags);
        check.throwIfAny();
        const entity = spec.find(state, input);
        checkTagKeysAllowed(tags ?? []);
        entity.tags = mergeTags(entity.tags, tags ?? [], spec.quota);
        return {};
      },
    },
    [`Untag${spec.entity}`]: {
      write: true,
      resource: spec.resource,
      run: ({ state, input }) => {
        const keys = input.list("TagKeys");
        const check = new ConstraintCheck();
        spec.checkId(check, input);
        check.required(keys, "tagKeys");
        checkTagKeys(check, keys);
        check.throwIfAny();
        const entity = spec.find(state, input);
        entity.tags = removeTags(entity.tags, keys ?? []);
        return {};
      },
    },
    [`List${spec.entity}Tags`]: {
      write: false,
      resource: spec.resource,
      run: ({ state, input }) => {
        const { page, IsTruncated, Marker } = paginate(sortedByKey(spec.find(state, input).tags), input);
        return { result: { Tags: sortedTagsXml(page), IsTruncated, Marker } };
      },
    },
  };
}

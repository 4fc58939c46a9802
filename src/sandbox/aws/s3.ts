import { createHash } from "node:crypto";
import type { AwsOperation } from "./aws-api.js";
import { AwsApiError } from "./errors.js";
import type { RestXmlResult, S3Input, S3Route } from "./rest-xml-protocol.js";
import { ACCOUNT_ID, PARTITION, type AwsState, type BucketRecord } from "./state.js";

/** Amazon S3: the account's bucket list (the call a federated identity proves itself with). */

export type S3Operation = AwsOperation<S3Input, RestXmlResult>;

export const S3_ROUTES: readonly S3Route[] = [
  { operation: "GetBucketLocation", method: "GET", scope: "bucket", subresource: "location" },
  { operation: "ListBuckets", method: "GET", scope: "service" },
];

const MAX_BUCKETS = 10_000;

/** The account's canonical user id: 64 hex digits, fixed for the sandbox account. */
const OWNER_ID = createHash("sha256").update(`oidc-bridge sandbox account ${ACCOUNT_ID}`).digest("hex");

function invalidArgument(message: string, name: string, value: string): AwsApiError {
  return new AwsApiError("InvalidArgument", 400, message, undefined, { ArgumentName: name, ArgumentValue: value });
}

function maxBuckets(query: URLSearchParams): number {
  const text = query.get("max-buckets");
  if (text === null) return MAX_BUCKETS;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_BUCKETS) {
    throw invalidArgument(`max-buckets must be an integer between 1 and ${MAX_BUCKETS}.`, "max-buckets", text);
  }
  return n;
}

/** The continuation token is opaque to callers; here it is the last name already listed. */
function startAfter(query: URLSearchParams): string | undefined {
  const token = query.get("continuation-token");
  if (token === null || token === "") return undefined;
  const name = Buffer.from(token, "base64url").toString("utf8");
  if (Buffer.from(name, "utf8").toString("base64url") !== token) {
    throw invalidArgument("The continuation token provided is incorrect", "continuation-token", token);
  }
  return name;
}

function requireBucket(state: AwsState, name: string | undefined): BucketRecord {
  const bucket = name !== undefined ? state.buckets[name] : undefined;
  if (!bucket) {
    throw new AwsApiError("NoSuchBucket", 404, "The specified bucket does not exist", undefined, {
      BucketName: name ?? "",
    });
  }
  return bucket;
}

export const s3Operations: Record<string, S3Operation> = {
  ListBuckets: {
    write: false,
    action: "s3:ListAllMyBuckets",
    resource: () => `arn:${PARTITION}:s3:::*`,
    namesResource: false,
    run: ({ state, input }) => {
      const { query } = input;
      const limit = maxBuckets(query);
      const after = startAfter(query);
      const prefix = query.get("prefix") ?? undefined;
      const region = query.get("bucket-region") ?? undefined;
      const matching = Object.values(state.buckets)
        .filter(
          (b) => (prefix === undefined || b.name.startsWith(prefix)) && (region === undefined || b.region === region),
        )
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .filter((b) => after === undefined || b.name > after);
      const page = matching.slice(0, limit);
      const last = page[page.length - 1];
      // "If the request contains at least one valid parameter, BucketRegion is included."
      const withRegion = ["max-buckets", "continuation-token", "prefix", "bucket-region"].some((p) => query.has(p));
      return {
        root: "ListAllMyBucketsResult",
        body: {
          Owner: { ID: OWNER_ID },
          Buckets: {
            Bucket: page.map((b) => ({
              Name: b.name,
              CreationDate: new Date(b.creationDate),
              BucketRegion: withRegion ? b.region : undefined,
            })),
          },
          ContinuationToken:
            matching.length > page.length && last ? Buffer.from(last.name, "utf8").toString("base64url") : undefined,
          Prefix: prefix,
        },
      };
    },
  },

  GetBucketLocation: {
    write: false,
    resource: (input) => `arn:${PARTITION}:s3:::${input.bucket ?? ""}`,
    run: ({ state, input }) => {
      const bucket = requireBucket(state, input.bucket);
      // us-east-1 is the one region S3 reports as an empty LocationConstraint.
      return { root: "LocationConstraint", body: bucket.region === "us-east-1" ? undefined : bucket.region };
    },
  },
};

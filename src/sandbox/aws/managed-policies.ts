/**
 * The AWS managed policies the sandbox knows, with their documents as AWS publishes them.
 * ReadOnlyAccess's real document lists several hundred service prefixes; a representative excerpt
 * is kept (the sandbox never evaluates identity policies, only shows them).
 */
export interface ManagedPolicy {
  name: string;
  arn: string;
  policyId: string;
  description: string;
  defaultVersionId: string;
  createDate: string;
  updateDate: string;
  document: string;
}

function policy(
  name: string,
  policyId: string,
  description: string,
  defaultVersionId: string,
  createDate: string,
  updateDate: string,
  document: object,
): ManagedPolicy {
  return {
    name,
    arn: `arn:aws:iam::aws:policy/${name}`,
    policyId,
    description,
    defaultVersionId,
    createDate,
    updateDate,
    document: JSON.stringify(document),
  };
}

const POLICIES: readonly ManagedPolicy[] = [
  policy(
    "AmazonS3ReadOnlyAccess",
    "ANPAIZTJ4DXE7G6AGAE6M",
    "Provides read only access to all buckets via the AWS Management Console.",
    "v3",
    "2015-02-06T18:40:59Z",
    "2023-08-10T21:31:39Z",
    {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"],
          Resource: "*",
        },
      ],
    },
  ),
  policy(
    "AmazonS3FullAccess",
    "ANPAIFIR6V6BVTRAHWINE",
    "Provides full access to all buckets via the AWS Management Console.",
    "v2",
    "2015-02-06T18:40:58Z",
    "2021-09-27T20:16:37Z",
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*", "s3-object-lambda:*"], Resource: "*" }] },
  ),
  policy(
    "ReadOnlyAccess",
    "ANPAILL3HVNFSB6DCOWYQ",
    "Provides read-only access to AWS services and resources.",
    "v120",
    "2015-02-06T18:39:48Z",
    "2024-06-25T17:38:51Z",
    {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadOnlyActions",
          Effect: "Allow",
          Action: [
            "acm:Describe*",
            "acm:Get*",
            "acm:List*",
            "cloudformation:Describe*",
            "cloudformation:Get*",
            "cloudformation:List*",
            "cloudtrail:Describe*",
            "cloudtrail:Get*",
            "cloudtrail:List*",
            "cloudwatch:Describe*",
            "cloudwatch:Get*",
            "cloudwatch:List*",
            "dynamodb:BatchGet*",
            "dynamodb:Describe*",
            "dynamodb:Get*",
            "dynamodb:List*",
            "dynamodb:Query",
            "dynamodb:Scan",
            "ec2:Describe*",
            "ec2:Get*",
            "iam:Generate*",
            "iam:Get*",
            "iam:List*",
            "iam:Simulate*",
            "kms:Describe*",
            "kms:Get*",
            "kms:List*",
            "lambda:Get*",
            "lambda:List*",
            "logs:Describe*",
            "logs:Get*",
            "logs:FilterLogEvents",
            "logs:StartQuery",
            "logs:StopQuery",
            "logs:TestMetricFilter",
            "s3:Describe*",
            "s3:Get*",
            "s3:List*",
            "secretsmanager:Describe*",
            "secretsmanager:GetResourcePolicy",
            "secretsmanager:List*",
            "sns:Get*",
            "sns:List*",
            "sqs:Get*",
            "sqs:List*",
            "sqs:Receive*",
            "ssm:Describe*",
            "ssm:Get*",
            "ssm:List*",
            "sts:GetCallerIdentity",
          ],
          Resource: "*",
        },
      ],
    },
  ),
  policy(
    "AdministratorAccess",
    "ANPAIWMBCKSKIEE64ZLYK",
    "Provides full access to AWS services and resources.",
    "v1",
    "2015-02-06T18:39:46Z",
    "2015-02-06T18:39:46Z",
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
  ),
  policy(
    "AmazonSSMReadOnlyAccess",
    "ANPAJODSKQGGJTHRYZ5FC",
    "Provides read only access to Amazon SSM.",
    "v1",
    "2015-05-29T17:44:19Z",
    "2015-05-29T17:44:19Z",
    {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["ssm:Describe*", "ssm:Get*", "ssm:List*"], Resource: "*" }],
    },
  ),
];

const BY_ARN = new Map(POLICIES.map((p) => [p.arn, p]));

export function findManagedPolicy(arn: string): ManagedPolicy | undefined {
  return BY_ARN.get(arn);
}

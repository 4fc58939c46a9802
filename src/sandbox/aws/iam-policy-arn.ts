import { AwsApiError } from "./errors.js";

/**
 * A managed policy ARN taken apart: `arn:<partition>:iam::<aws | account>:policy<path><name>`.
 * The path and name must be what IAM allows in them; nothing is normalised, so
 * `policy/service-role/../X` names no policy rather than `policy/X`.
 */
export interface PolicyArn {
  readonly arn: string;
  readonly path: string;
  readonly name: string;
}

const POLICY_ARN = /^arn:[a-z-]+:iam::(?:aws|\d{12}):policy(\/(?:.*\/)?)([^/]*)$/s;
/** IAM's pathType: "/" or "/…/" of printable ASCII. */
const PATH = /^(\/|\/[\u0021-\u007F]+\/)$/;
/** IAM's policyNameType. */
const NAME = /^[\w+=,.@-]{1,128}$/;

export function parsePolicyArn(arn: string): PolicyArn {
  const m = POLICY_ARN.exec(arn);
  const path = m?.[1] ?? "";
  const name = m?.[2] ?? "";
  if (!m || !PATH.test(path) || !NAME.test(name))
    throw new AwsApiError("InvalidInput", 400, `ARN ${arn} is not valid.`);
  return { arn, path, name };
}

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AwsState } from "./state.js";

export interface AwsSandboxCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The sandbox's long-term access key, read from the AWS service's state document (`aws.json` in
 * the sandbox folder, written by the harness when the service starts). Lets a CLI in another
 * process sign requests to a sandbox it did not start.
 */
export async function readAwsSandboxCredentials(dir: string): Promise<AwsSandboxCredentials> {
  const path = join(dir, "aws.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new Error(
      `cannot read the AWS sandbox credentials from ${path}: ${(err as Error).message} (start the sandbox first)`,
      { cause: err },
    );
  }
  const state = JSON.parse(text) as Partial<AwsState>;
  const creds = state.credentials;
  if (!creds?.accessKeyId || !creds.secretAccessKey) throw new Error(`${path} holds no AWS sandbox credentials`);
  return { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey };
}

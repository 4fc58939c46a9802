import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readAwsSandboxCredentials } from "../../src/sandbox/aws/index.js";
import { readAzureSandboxSecret } from "../../src/sandbox/azure/index.js";
import { tempDir } from "../helpers/temp-dir.js";

const bin = fileURLToPath(new URL("../../bin/oidc-bridge.cjs", import.meta.url));
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => (dir = await tempDir()));
afterAll(async () => dir.cleanup());

function cli(args: string[], env: Record<string, string> = {}): string {
  const result = spawnSync(process.execPath, [bin, "--sandbox", "--debug", ...args], {
    cwd: dir.path,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  return result.stdout + result.stderr;
}

describe("secrets in output", () => {
  test("no credential or token reaches stdout or stderr, with --debug, in success and failure, text and JSON", async () => {
    const output = [
      cli(["trust"]),
      cli(["--json", "identity", "--dry-run"]),
      cli(["identity"], { OIDC_BRIDGE_SANDBOX_DENY: "iam:CreateRole" }),
      cli(["--json", "identity"], { OIDC_BRIDGE_SANDBOX_DENY: "ssm:PutParameter" }),
      cli(["identity"]),
    ].join("\n");
    const sandboxDir = join(dir.path, ".oidc-bridge/sandbox");
    const aws = await readAwsSandboxCredentials(sandboxDir);
    const azure = await readAzureSandboxSecret(sandboxDir);
    // The runs did happen, failures included, with debug detail.
    expect(output).toContain("AccessDenied");
    expect(output).toContain("cause:");
    expect(output).not.toContain(aws.secretAccessKey);
    expect(output).not.toContain(azure.clientSecret);
    expect(output).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\./);
    expect(output).not.toContain("PRIVATE KEY");
  });
});

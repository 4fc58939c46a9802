import { describe, expect, test } from "vitest";
import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";

// The project's own ESLint config, run through ESLint's Node API on code that crosses (or keeps
// to) the line between the sandbox and the product.
const root = fileURLToPath(new URL("../..", import.meta.url));
const eslint = new ESLint({ cwd: root });

async function boundaryMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "local/sandbox-boundary").map((m) => m.message);
}

describe("the sandbox boundary lint rule", () => {
  test.each([
    [
      "src/sandbox/harness/journal.ts",
      'import { writeFileAtomic } from "../../util/atomic-file.js";',
      "../../util/atomic-file.js",
      "src/util/atomic-file.js",
    ],
    ["src/sandbox/open-sandbox.ts", 'export { userError } from "../errors.js";', "../errors.js", "src/errors.js"],
    [
      "src/sandbox/aws/service.ts",
      'export const load = () => import("../../report/redact.js");',
      "../../report/redact.js",
      "src/report/redact.js",
    ],
  ])("fails a sandbox file (%s) that imports from the rest of src/", async (filePath, code, source, target) => {
    expect(await boundaryMessages(filePath, `${code}\n`)).toEqual([
      `src/sandbox/ must not import from the rest of src/: '${source}' resolves to ${target}. Give the sandbox its own copy.`,
    ]);
  });

  test.each([
    [
      "src/cloud/session.ts",
      'import type { SandboxHandle } from "../sandbox/open-sandbox.js";\nexport type H = SandboxHandle;',
      "../sandbox/open-sandbox.js",
      "src/sandbox/open-sandbox.js",
    ],
    [
      "src/commands/sandbox-reset.ts",
      'export const load = () => import("../sandbox/harness/index.js");',
      "../sandbox/harness/index.js",
      "src/sandbox/harness/index.js",
    ],
    [
      "src/main.ts",
      'export { SANDBOX_ENV } from "./sandbox/constants.js";',
      "./sandbox/constants.js",
      "src/sandbox/constants.js",
    ],
  ])(
    "fails a product file (%s) that imports a sandbox module other than the front door",
    async (filePath, code, source, target) => {
      expect(await boundaryMessages(filePath, `${code}\n`)).toEqual([
        `Import the sandbox only through its front door: '${source}' resolves to ${target}; import src/sandbox/index.js instead.`,
      ]);
    },
  );

  test.each([
    ["src/cloud/session.ts", 'export { openSandbox } from "../sandbox/index.js";'],
    ["src/cloud/session.ts", 'export const load = () => import("../sandbox/index.js");'],
    ["src/sandbox/aws/service.ts", 'export { SANDBOX_ENV } from "../constants.js";'],
    ["src/sandbox/harness/server.ts", 'export { createServer } from "node:http";'],
  ])("passes a legal import in %s: %s", async (filePath, code) => {
    expect(await boundaryMessages(filePath, `${code}\n`)).toEqual([]);
  });
});

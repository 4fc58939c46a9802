import { describe, expect, test } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { HumanReporter } from "../../src/report/human-reporter.js";
import { JsonReporter } from "../../src/report/json-reporter.js";
import { BridgeError } from "../../src/errors.js";
import { redactText } from "../../src/report/redact.js";

const jwt =
  "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiYXVkIjoieCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU";
const privateKey = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/** Every secret we might hold, in the shapes they travel in. */
const leaks = [
  `token ${jwt}`,
  privateKey,
  `aws_secret_access_key = ${awsSecret}`,
  `<SecretAccessKey>${awsSecret}</SecretAccessKey>`,
  `{"SessionToken":"${awsSecret}"}`,
  `Authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, SignedHeaders=host, Signature=${"a".repeat(64)}`,
];

function assertClean(output: string): void {
  expect(output).not.toContain(jwt.split(".")[1]);
  expect(output).not.toContain("PRIVATE KEY-----\nMC");
  expect(output).not.toContain(awsSecret);
  expect(output).not.toContain("a".repeat(64));
}

describe("redaction", () => {
  test("redactText removes JWTs, private keys, AWS secrets and signatures", () => {
    for (const leak of leaks) {
      const out = redactText(leak);
      assertClean(out);
      expect(out).toContain("[redacted");
    }
  });

  test("the human reporter never prints a secret, --debug included", async () => {
    let out = "";
    const reporter = new HumanReporter(
      { write: (t) => (out += t), writeError: (t) => (out += t), isTTY: false, color: false },
      true,
    );
    for (const leak of leaks) {
      reporter.info(leak);
      reporter.warn(leak);
      reporter.debug(leak, { token: jwt, nested: { text: leak } });
    }
    await reporter.step(`step ${jwt}`, () => Promise.resolve());
    reporter.error(
      new BridgeError(`failed with ${jwt}`, {
        code: "INTERNAL",
        fault: "internal",
        cause: new Error(leaks.join("\n")),
      }),
      true,
    );
    expect(out.length).toBeGreaterThan(200);
    assertClean(out);
  });

  test("the JSON reporter never prints a secret, --debug included", () => {
    let out = "";
    const reporter = new JsonReporter((t) => (out += t), true);
    for (const leak of leaks) {
      reporter.info(leak, { accessToken: jwt, secretAccessKey: awsSecret });
      reporter.debug(leak);
      reporter.result(leak, { value: leak });
    }
    reporter.error(
      new BridgeError(`failed with ${jwt}`, { code: "INTERNAL", fault: "internal", cause: new Error(privateKey) }),
      true,
    );
    for (const line of out.trim().split("\n")) expect(() => JSON.parse(line) as unknown).not.toThrow();
    assertClean(out);
  });
});

import { describe, expect, test } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import * as product from "../../src/report/redact.js";
import * as sandbox from "../../src/sandbox/harness/redact.js";

// The sandbox keeps its own copy of the redaction (it imports nothing from the product); the
// journal must hide exactly what the product's output hides.
// A key made now, not one kept in the repository.
const privateKey = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const samples = [
  privateKey,
  "token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzb21lb25lIn0.c2lnbmF0dXJlc2lnbmF0dXJl here",
  '{"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}',
  "<SessionToken>FwoGZXIvYXdzEBYaDH</SessionToken>",
  "client_secret=abc123&grant_type=client_credentials",
  "Authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=" + "ab".repeat(32),
  "Bearer opaque-secret-value-1234567890",
  "nothing secret here",
];

describe("the sandbox's redaction", () => {
  test.each(samples)("hides the same as the product's (sample %#)", (text) => {
    expect(sandbox.redactText(text)).toBe(product.redactText(text));
  });

  test("hides the same values by key name as the product's", () => {
    const value = { password: "p", nested: { client_secret: "s", id_token: "t", plain: "ok" }, list: ["a", "b"] };
    expect(sandbox.redactValue(value)).toEqual(product.redactValue(value));
    expect(JSON.stringify(sandbox.redactValue(value))).not.toMatch(/"(p|s|t)"/);
  });
});

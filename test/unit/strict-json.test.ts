import { describe, expect, test } from "vitest";
import { readFile } from "node:fs/promises";
import { JsonSyntaxError, parseStrictJson } from "../../src/util/strict-json.js";

function failure(text: string, maxDepth?: number): JsonSyntaxError {
  try {
    parseStrictJson(text, maxDepth === undefined ? {} : { maxDepth });
  } catch (err) {
    if (err instanceof JsonSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected ${text.slice(0, 40)} to be refused`);
}

describe("strict JSON parser", () => {
  test("reads what JSON.parse reads, to the same values", async () => {
    const samples = [
      await readFile(new URL("../../config.example.json", import.meta.url), "utf8"),
      '{"a":[1,-2.5e3,0,1E-2,true,false,null],"b":{"c":"\\u00e9\\n\\t\\"\\\\\\/"},"d":"😀","e":""}',
      " [ ] ",
      '"\\ud83d\\ude00"',
      "\ufeff{}",
      "123",
    ];
    for (const text of samples)
      expect(JSON.stringify(parseStrictJson(text))).toBe(JSON.stringify(JSON.parse(text.replace(/^\ufeff/, ""))));
  });

  test("refuses a key given twice, naming it and where", () => {
    const error = failure('{"aws": {"region": "eu-west-1",\n "region": "us-east-1"}}');
    expect(error.kind).toBe("duplicate-key");
    expect(error.message).toContain('"aws.region" is given twice');
    expect(error.line).toBe(2);
  });

  test("keeps __proto__ as a plain key: no object gains a prototype from the input", () => {
    const value = parseStrictJson('{"__proto__": {"polluted": true}, "a": {}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["__proto__", "a"]);
    expect((value.a as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("refuses nesting past the limit instead of overflowing the stack", () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    expect(() => JSON.parse(deep) as unknown).not.toThrow();
    const error = failure(deep);
    expect(error.kind).toBe("too-deep");
    expect(error.message).toContain("nested deeper than 64 levels");
    expect(failure('{"a":{"b":{"c":1}}}', 2).kind).toBe("too-deep");
    expect(parseStrictJson('{"a":{"b":1}}', { maxDepth: 2 })).toEqual({ a: { b: 1 } });
  });

  test("refuses what JSON refuses, with line and column", () => {
    for (const text of [
      "",
      "{",
      '{"a":1,}',
      "[1,]",
      "{'a':1}",
      '{"a" 1}',
      "01",
      "1.",
      "NaN",
      '"a\nb"',
      '"\\x"',
      '"\\u12"',
      "[1] 2",
      '{"a":1}}',
    ])
      expect(failure(text).kind, text).toBe("syntax");
    const error = failure('{\n  "a": tru\n}');
    expect(error.line).toBe(2);
    expect(error.column).toBe(8);
  });
});

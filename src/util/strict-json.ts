/**
 * A JSON parser for the files we read (config, state, lock) that refuses what JSON.parse lets
 * through silently: a key given twice (JSON.parse keeps the last), nesting deep enough to overflow
 * the stack of whatever walks the value next. Objects have no prototype, so a key like
 * "__proto__" is a plain key that later checks see and refuse, never a prototype switch.
 */
export interface StrictJsonOptions {
  /** Deepest nesting of objects and arrays accepted. */
  readonly maxDepth?: number;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly kind: "syntax" | "duplicate-key" | "too-deep",
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

const DEFAULT_MAX_DEPTH = 64;

export function parseStrictJson(text: string, options: StrictJsonOptions = {}): unknown {
  return new Parser(text, options.maxDepth ?? DEFAULT_MAX_DEPTH).document();
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

class Parser {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  document(): unknown {
    // A byte-order mark is not JSON, but editors on some systems add one.
    if (this.text.charCodeAt(0) === 0xfeff) this.at = 1;
    const value = this.value(0, "");
    this.space();
    if (this.at < this.text.length)
      this.fail("syntax", `unexpected ${this.describe()} after the end of the JSON value`);
    return value;
  }

  private value(depth: number, path: string): unknown {
    this.space();
    const c = this.text[this.at];
    if (c === "{" || c === "[") {
      if (depth >= this.maxDepth)
        this.fail(
          "too-deep",
          `nested deeper than ${this.maxDepth} levels${path ? ` at ${path.length > 60 ? `${path.slice(0, 57)}...` : path}` : ""}`,
        );
      return c === "{" ? this.object(depth + 1, path) : this.array(depth + 1, path);
    }
    if (c === '"') return this.string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const [word, result] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return result;
      }
    }
    return this.fail("syntax", `unexpected ${this.describe()}; expected a value`);
  }

  private object(depth: number, path: string): Record<string, unknown> {
    const out = Object.create(null) as Record<string, unknown>;
    this.at++;
    this.space();
    if (this.text[this.at] === "}") {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail("syntax", `unexpected ${this.describe()}; expected a key in quotes`);
      const keyAt = this.at;
      const key = this.string();
      const keyPath = path ? `${path}.${key}` : key;
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        this.at = keyAt;
        this.fail("duplicate-key", `the key "${keyPath}" is given twice (JSON keeps only one; say it once)`);
      }
      this.space();
      if (this.text[this.at] !== ":") this.fail("syntax", `unexpected ${this.describe()}; expected ":" after a key`);
      this.at++;
      out[key] = this.value(depth, keyPath);
      this.space();
      const next = this.text[this.at];
      this.at++;
      if (next === "}") return out;
      if (next !== ",") {
        this.at--;
        this.fail("syntax", `unexpected ${this.describe()}; expected "," or "}"`);
      }
    }
  }

  private array(depth: number, path: string): unknown[] {
    const out: unknown[] = [];
    this.at++;
    this.space();
    if (this.text[this.at] === "]") {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth, `${path}[${out.length}]`));
      this.space();
      const next = this.text[this.at];
      this.at++;
      if (next === "]") return out;
      if (next !== ",") {
        this.at--;
        this.fail("syntax", `unexpected ${this.describe()}; expected "," or "]"`);
      }
    }
  }

  private string(): string {
    this.at++;
    let out = "";
    let from = this.at;
    for (;;) {
      const code = this.text.charCodeAt(this.at);
      if (Number.isNaN(code)) this.fail("syntax", 'a string is not closed (missing ")');
      if (code === 0x22) {
        out += this.text.slice(from, this.at);
        this.at++;
        return out;
      }
      if (code < 0x20) this.fail("syntax", "a control character inside a string must be escaped");
      if (code === 0x5c) {
        out += this.text.slice(from, this.at);
        const e = this.text[this.at + 1] ?? "";
        if (e === "u") {
          const hex = this.text.slice(this.at + 2, this.at + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("syntax", "a \\u escape needs four hex digits");
          out += String.fromCharCode(parseInt(hex, 16));
          this.at += 6;
        } else {
          const plain = ESCAPES[e];
          if (plain === undefined) this.fail("syntax", `"\\${e}" is not a JSON escape`);
          out += plain;
          this.at += 2;
        }
        from = this.at;
        continue;
      }
      this.at++;
    }
  }

  private number(): number {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (!match) return this.fail("syntax", `unexpected ${this.describe()}; expected a number`);
    this.at += match[0].length;
    return Number(match[0]);
  }

  private space(): void {
    while (this.at < this.text.length) {
      const c = this.text.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.at++;
    }
  }

  private describe(): string {
    if (this.at >= this.text.length) return "end of file";
    const c = this.text[this.at] as string;
    return /[\x20-\x7e]/.test(c) ? `"${c}"` : `character U+${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  }

  private fail(kind: JsonSyntaxError["kind"], why: string): never {
    const before = this.text.slice(0, this.at);
    const line = before.split("\n").length;
    const column = this.at - before.lastIndexOf("\n");
    throw new JsonSyntaxError(`${why} (line ${line}, column ${column})`, kind, line, column);
  }
}

// A jq subset for sandbox VMs on hosts without jq (Node program).
// Kept as text because it runs as its own program inside the VM (launched from the VM's bin folder);
// the VM tests run it through SSH and directly.
export const JQ_TOOL_JS = String.raw`// jq of a sandbox VM whose host has no jq: paths (.a.b, .[0], .["k"], .a?), .[] , pipes and
// "// default". Anything else is refused with exit 3, as jq refuses a filter it cannot compile.
import fs from "node:fs";

function die(message, code) {
  process.stderr.write("jq: error: " + message + "\n");
  process.exit(code);
}

const opts = { raw: false, compact: false, exit: false, nullInput: false, join: false, vars: {} };
const positional = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--arg") {
    opts.vars[argv[i + 1]] = argv[i + 2];
    i += 2;
  } else if (a === "--raw-output") opts.raw = true;
  else if (a === "--compact-output") opts.compact = true;
  else if (a === "--exit-status") opts.exit = true;
  else if (a === "--null-input") opts.nullInput = true;
  else if (a === "--join-output") opts.raw = opts.join = true;
  else if (/^-[rcenjM]+$/.test(a)) {
    for (const c of a.slice(1)) {
      if (c === "r") opts.raw = true;
      if (c === "c") opts.compact = true;
      if (c === "e") opts.exit = true;
      if (c === "n") opts.nullInput = true;
      if (c === "j") opts.raw = opts.join = true;
    }
  } else if (a.startsWith("-") && a !== "-") die("option " + a + " is not supported by the sandbox jq; install jq", 2);
  else positional.push(a);
}
const [filter = ".", ...files] = positional;

// Splits on a top-level separator, outside strings and brackets.
function splitTop(text, sep) {
  const parts = [];
  let depth = 0, quote = false, start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function literal(text) {
  if (text.startsWith("$")) {
    if (!(text.slice(1) in opts.vars)) die("$" + text.slice(1) + " is not defined", 3);
    return { ok: true, value: opts.vars[text.slice(1)] };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function evalPath(expr, input) {
  if (expr === "" || expr === ".") return [input];
  const lit = literal(expr);
  if (lit.ok) return [lit.value];
  let values = [input];
  let rest = expr;
  if (!rest.startsWith(".")) die(expr + " is not supported by the sandbox jq; install jq", 3);
  rest = rest.slice(1);
  const token = /^(?:([A-Za-z_][A-Za-z0-9_]*)|\[\s*("(?:[^"\\]|\\.)*"|-?\d+)?\s*\])(\?)?\.?/;
  while (rest !== "") {
    const m = token.exec(rest);
    if (!m) die(expr + " is not supported by the sandbox jq; install jq", 3);
    rest = rest.slice(m[0].length);
    const optional = m[3] === "?";
    const next = [];
    for (const v of values) {
      if (m[1] !== undefined || (m[2] !== undefined && m[2].startsWith('"'))) {
        const key = m[1] ?? JSON.parse(m[2]);
        if (v === null) next.push(null);
        else if (typeof v === "object" && !Array.isArray(v)) next.push(v[key] ?? null);
        else if (!optional) die("Cannot index " + typeOf(v) + ' with "' + key + '"', 5);
      } else if (m[2] !== undefined) {
        const n = Number(m[2]);
        if (v === null) next.push(null);
        else if (Array.isArray(v)) next.push(v[n < 0 ? v.length + n : n] ?? null);
        else if (!optional) die("Cannot index " + typeOf(v) + " with number", 5);
      } else {
        if (Array.isArray(v)) next.push(...v);
        else if (v !== null && typeof v === "object") next.push(...Object.values(v));
        else if (!optional) die("Cannot iterate over " + typeOf(v), 5);
      }
    }
    values = next;
  }
  return values;
}

function typeOf(v) {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

function evalFilter(text, input) {
  const alternatives = splitTop(text, "//");
  if (alternatives.length > 1) {
    for (const alt of alternatives.slice(0, -1)) {
      const got = evalFilter(alt, input).filter((v) => v !== null && v !== false);
      if (got.length > 0) return got;
    }
    return evalFilter(alternatives[alternatives.length - 1], input);
  }
  const stages = splitTop(text, "|");
  if (stages.length > 1) {
    let values = [input];
    for (const stage of stages) values = values.flatMap((v) => evalFilter(stage, v));
    return values;
  }
  return evalPath(text.trim(), input);
}

function readInputs() {
  if (opts.nullInput) return [null];
  const text = files.length > 0 ? files.map((f) => fs.readFileSync(f, "utf8")).join("\n") : fs.readFileSync(0, "utf8");
  const inputs = [];
  let i = 0;
  // Several JSON documents may follow each other, with or without white space between them.
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    const start = i;
    if (/["{[]/.test(text[i])) {
      let depth = 0;
      let quote = false;
      do {
        const c = text[i];
        if (quote) {
          if (c === "\\") i++;
          else if (c === '"') quote = false;
        } else if (c === '"') quote = true;
        else if (c === "{" || c === "[") depth++;
        else if (c === "}" || c === "]") depth--;
        i++;
      } while (i < text.length && (depth > 0 || quote));
    } else {
      while (i < text.length && !/[\s{["]/.test(text[i])) i++;
    }
    try {
      inputs.push(JSON.parse(text.slice(start, i)));
    } catch {
      die("cannot parse the input as JSON (at character " + start + ")", 2);
    }
  }
  return inputs;
}

let last;
let any = false;
for (const input of readInputs()) {
  for (const value of evalFilter(filter, input)) {
    any = true;
    last = value;
    const text = opts.raw && typeof value === "string" ? value : JSON.stringify(value, null, opts.compact ? 0 : 2);
    process.stdout.write(opts.join ? text : text + "\n");
  }
}
if (opts.exit) process.exitCode = !any ? 4 : last === null || last === false ? 1 : 0;
`;

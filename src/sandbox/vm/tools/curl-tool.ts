// A curl subset for sandbox VMs on hosts without curl (Node program).
// Kept as text because it runs as its own program inside the VM (launched from the VM's bin folder);
// the VM tests run it through SSH and directly.
export const CURL_TOOL_JS = String.raw`// curl of a sandbox VM whose host has no curl: the options scripts on a VM use to talk to a
// metadata or REST endpoint. Unknown options are refused (exit 2), never silently ignored.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";

const o = { silent: false, showError: false, fail: false, follow: false, include: false, insecure: false, headers: [], data: [], retry: 0, retryDelay: undefined, retryConnRefused: false, retryAll: false };
let url;
const argv = process.argv.slice(2);
const TAKES = { H: "header", X: "request", d: "data", o: "output", m: "max-time", w: "write-out", A: "user-agent" };

function bad(message) {
  process.stderr.write("curl: " + message + "\ncurl: (sandbox VM shim: install curl for the full tool)\n");
  process.exit(2);
}

function set(name, value) {
  switch (name) {
    case "header": o.headers.push(value); break;
    case "request": o.method = value; break;
    case "data": case "data-raw": case "data-binary": case "data-ascii":
      o.data.push(name !== "data-raw" && value.startsWith("@") ? fs.readFileSync(value === "@-" ? 0 : value.slice(1), "utf8").replace(name === "data-binary" ? /$^/ : /[\r\n]/g, "") : value);
      break;
    case "output": o.output = value; break;
    case "max-time": o.maxTime = Number(value) * 1000; break;
    case "connect-timeout": o.connectTimeout = Number(value) * 1000; break;
    case "write-out": o.writeOut = value; break;
    case "user-agent": o.userAgent = value; break;
    case "retry": o.retry = Number(value); break;
    case "retry-delay": o.retryDelay = Number(value) * 1000; break;
    case "retry-max-time": break;
    case "cacert": o.ca = fs.readFileSync(value); break;
    case "url": url = value; break;
    default: bad("option --" + name + " is not supported");
  }
}

const FLAGS = { s: "silent", S: "show-error", f: "fail", L: "location", i: "include", k: "insecure" };
function flag(name) {
  switch (name) {
    case "silent": o.silent = true; break;
    case "show-error": o.showError = true; break;
    case "fail": case "fail-with-body": o.fail = true; break;
    case "location": o.follow = true; break;
    case "include": o.include = true; break;
    case "insecure": o.insecure = true; break;
    case "retry-connrefused": o.retryConnRefused = true; break;
    case "retry-all-errors": o.retryAll = true; break;
    case "compressed": case "no-progress-meter": case "ipv4": case "http1.1": break;
    default: return false;
  }
  return true;
}

for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a.startsWith("--")) {
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (eq < 0 && flag(name)) continue;
    set(name, eq > 0 ? a.slice(eq + 1) : (argv[++i] ?? bad("option --" + name + " needs a value")));
  } else if (a.startsWith("-") && a.length > 1) {
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if (FLAGS[c]) flag(FLAGS[c]);
      else if (TAKES[c]) {
        set(TAKES[c], j + 1 < a.length ? a.slice(j + 1) : (argv[++i] ?? bad("option -" + c + " needs a value")));
        break;
      } else bad("option -" + c + " is not supported");
    }
  } else url = a;
}
if (!url) bad("no URL specified");
if (!/^[a-z]+:\/\//i.test(url)) url = "http://" + url;

function report(code, message) {
  if (!o.silent || o.showError) process.stderr.write("curl: (" + code + ") " + message + "\n");
  return code;
}

function request(target, method, body, redirects) {
  return new Promise((resolve) => {
    const u = new URL(target);
    const lib = u.protocol === "https:" ? https : http;
    const headers = { "user-agent": o.userAgent ?? "curl/8.14.1", accept: "*/*" };
    if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    for (const h of o.headers) {
      const at = h.indexOf(":");
      if (at > 0) headers[h.slice(0, at).trim().toLowerCase()] = h.slice(at + 1).trim();
    }
    const started = Date.now();
    const req = lib.request(u, { method, headers, ca: o.ca, rejectUnauthorized: !o.insecure, timeout: o.connectTimeout ?? o.maxTime }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ res, body: Buffer.concat(chunks), redirects }));
      res.on("error", (e) => resolve({ error: report(56, "Failure when receiving data from the peer: " + e.message) }));
    });
    if (o.maxTime) setTimeout(() => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })), o.maxTime).unref();
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.on("error", (e) => {
      const ms = Date.now() - started;
      if (e.code === "ECONNREFUSED") resolve({ error: 7, retryable: o.retryConnRefused || o.retryAll, message: "Failed to connect to " + u.hostname + " port " + (u.port || (u.protocol === "https:" ? 443 : 80)) + " after " + ms + " ms: Couldn't connect to server" });
      else if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") resolve({ error: 6, message: "Could not resolve host: " + u.hostname });
      else if (e.code === "ETIMEDOUT") resolve({ error: 28, retryable: true, message: "Operation timed out after " + ms + " milliseconds with 0 bytes received" });
      else if (/certificate|self.signed|CERT/i.test(e.code ?? e.message)) resolve({ error: 60, message: "SSL certificate problem: " + e.message });
      else resolve({ error: 7, retryable: o.retryAll, message: e.message });
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function once() {
  let target = url;
  let method = o.method ?? (o.data.length > 0 ? "POST" : "GET");
  let body = o.data.length > 0 ? o.data.join("&") : undefined;
  for (let redirects = 0; ; redirects++) {
    const got = await request(target, method, body, redirects);
    if (got.error !== undefined) return got;
    const status = got.res.statusCode;
    if (o.follow && [301, 302, 303, 307, 308].includes(status) && got.res.headers.location && redirects < 50) {
      target = new URL(got.res.headers.location, target).toString();
      if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
        method = o.method ?? "GET";
        body = undefined;
      }
      continue;
    }
    return got;
  }
}

const TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);
let got;
for (let attempt = 0; ; attempt++) {
  got = await once();
  const retryable = got.error !== undefined ? got.retryable : TRANSIENT.has(got.res.statusCode) || (o.retryAll && got.res.statusCode >= 400);
  if (!retryable || attempt >= o.retry) break;
  const after = got.res ? Number(got.res.headers["retry-after"]) : NaN;
  const wait = Number.isFinite(after) ? after * 1000 : (o.retryDelay ?? 1000 * 2 ** attempt);
  if (!o.silent) process.stderr.write("Warning: Problem : transient error. Will retry in " + Math.round(wait / 1000) + " seconds. " + (o.retry - attempt) + " retries left.\n");
  await new Promise((r) => setTimeout(r, wait));
}

if (got.error !== undefined) {
  process.exitCode = got.message ? report(got.error, got.message) : got.error;
} else {
  const status = got.res.statusCode;
  if (o.fail && status >= 400) {
    process.exitCode = report(22, "The requested URL returned error: " + status);
  } else {
    const head = o.include ? "HTTP/" + got.res.httpVersion + " " + status + " " + got.res.statusMessage + "\r\n" + Object.entries(got.res.headers).map(([k, v]) => k + ": " + v).join("\r\n") + "\r\n\r\n" : "";
    const output = Buffer.concat([Buffer.from(head), got.body]);
    if (o.output && o.output !== "-") fs.writeFileSync(o.output, output);
    else process.stdout.write(output);
  }
  if (o.writeOut !== undefined) {
    process.stdout.write(o.writeOut.replace(/%\{(http_code|response_code)\}/g, String(status).padStart(3, "0")).replace(/\\n/g, "\n"));
  }
}
`;

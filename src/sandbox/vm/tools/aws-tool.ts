// The AWS CLI v2 subset `verify` runs on a VM, for sandbox VMs whose host has no usable `aws` (Node
// program). Kept as text because it runs as its own program inside the VM (launched from the VM's
// bin folder) with the host's node and nothing else: plain JS, node built-ins only.
export const AWS_TOOL_JS = String.raw`// aws of a sandbox VM: "aws sts get-caller-identity" and "aws s3 ls", as the AWS CLI v2 runs them
// after "configure": the profile in ~/.aws/config (region, web_identity_token_file, role_arn,
// role_session_name), AssumeRoleWithWebIdentity unsigned, then SigV4 with the session token. Endpoints
// and CA bundle from the standard variables. Whatever else the real CLI does is refused, never ignored.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";

// The CLI v2's return codes (aws help return-codes).
const RC = { usage: 252, config: 253, service: 254, general: 255 };
const STANDIN = "aws (sandbox VM stand-in for the AWS CLI v2)";
const SUPPORTED = "it runs only 'aws sts get-caller-identity' and 'aws s3 ls' (options --profile, --region, --output json|text, --endpoint-url, --ca-bundle, --cli-connect-timeout, --cli-read-timeout, --no-cli-pager); install the AWS CLI v2 for the rest";
const env = process.env;

class CliError extends Error {
  constructor(message, rc) {
    super(message);
    this.rc = rc;
  }
}
const refuse = (what) => new CliError(STANDIN + ": " + what + " is not supported: " + SUPPORTED, RC.usage);
const set = (name) => env[name] !== undefined && env[name] !== "";

// ---- command line: global options may come anywhere, as in the real CLI ----
const VALUED = ["profile", "region", "output", "endpoint-url", "ca-bundle", "cli-connect-timeout", "cli-read-timeout"];
function parseArgs(argv) {
  const opts = {};
  const words = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      words.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (name === "no-cli-pager" || name === "version") opts[name] = true;
    else if (VALUED.includes(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new CliError("aws: error: argument --" + name + ": expected one argument", RC.usage);
      opts[name] = value;
    } else throw refuse("option --" + name);
  }
  return { opts, words };
}

// ---- shared config and credentials files (botocore's reading of them) ----
function readIni(file) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if (e.code === "ENOENT") return new Map();
    throw e;
  }
  const sections = new Map();
  let current;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(line)) continue;
    const header = /^\[([^\]]*)\]\s*$/.exec(line.trim());
    if (header) {
      current = new Map();
      sections.set(header[1].trim(), current);
      continue;
    }
    // Indented lines continue a nested value (e.g. "s3 =" then "  addressing_style = path").
    if (/^\s/.test(line)) continue;
    const m = /^([^=:]+)[=:](.*)$/.exec(line);
    if (!current || !m) throw new CliError("Unable to parse config file: " + file, RC.general);
    current.set(m[1].trim().toLowerCase(), m[2].trim());
  }
  return sections;
}

function profilesOf(sections, prefixed) {
  const profiles = new Map();
  for (const [name, values] of sections) {
    const m = /^profile\s+(.+)$/.exec(name);
    if (prefixed && m) profiles.set(m[1].replace(/^"(.*)"$/, "$1"), values);
    else if (!prefixed || name === "default") profiles.set(name, values);
  }
  return profiles;
}

function loadSettings(opts) {
  const home = env.HOME || os.homedir();
  const configFile = env.AWS_CONFIG_FILE || path.join(home, ".aws", "config");
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, ".aws", "credentials");
  const config = profilesOf(readIni(configFile), true);
  const credentials = profilesOf(readIni(credentialsFile), false);
  // botocore looks at AWS_DEFAULT_PROFILE before AWS_PROFILE; --profile beats both.
  const name = opts.profile ?? (set("AWS_DEFAULT_PROFILE") ? env.AWS_DEFAULT_PROFILE : set("AWS_PROFILE") ? env.AWS_PROFILE : "default");
  if (name !== "default" && !config.has(name) && !credentials.has(name)) {
    throw new CliError("The config profile (" + name + ") could not be found", RC.general);
  }
  const profile = config.get(name) ?? new Map();
  for (const key of ["services", "credential_process", "sso_session", "sso_start_url", "source_profile", "credential_source"]) {
    if (profile.has(key)) throw refuse("profile setting " + key + " (profile " + name + ")");
  }
  const explicit = opts.profile !== undefined;
  const region = opts.region ?? (set("AWS_REGION") ? env.AWS_REGION : set("AWS_DEFAULT_REGION") ? env.AWS_DEFAULT_REGION : profile.get("region"));
  const output = opts.output ?? (set("AWS_DEFAULT_OUTPUT") ? env.AWS_DEFAULT_OUTPUT : profile.get("output")) ?? "json";
  if (output !== "json" && output !== "text") throw refuse("output format " + output);
  const maxAttempts = Number(env.AWS_MAX_ATTEMPTS || profile.get("max_attempts") || 3);
  return {
    name,
    explicit,
    profile,
    fileCredentials: credentials.get(name) ?? new Map(),
    region: region || undefined,
    output,
    caBundle: opts["ca-bundle"] ?? (set("AWS_CA_BUNDLE") ? env.AWS_CA_BUNDLE : profile.get("ca_bundle")),
    maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : 3,
    connectTimeout: seconds(opts["cli-connect-timeout"], "cli-connect-timeout"),
    readTimeout: seconds(opts["cli-read-timeout"], "cli-read-timeout"),
    endpointUrl: opts["endpoint-url"],
  };
}

function seconds(value, name) {
  if (value === undefined) return 60000;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new CliError("aws: error: argument --" + name + ": invalid int value: '" + value + "'", RC.usage);
  return n === 0 ? 0 : n * 1000;
}

// Precedence of the CLI's endpoint settings: --endpoint-url (this command only), then unless
// ignored, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's endpoint_url.
function endpointFor(s, service, forCommand) {
  if (forCommand && s.endpointUrl) return s.endpointUrl;
  const ignore = (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? s.profile.get("ignore_configured_endpoint_urls") ?? "").toLowerCase() === "true";
  if (!ignore) {
    const configured = env["AWS_ENDPOINT_URL_" + service.toUpperCase()] || env.AWS_ENDPOINT_URL || s.profile.get("endpoint_url");
    if (configured) return configured;
  }
  if (service === "s3") return s.region && s.region !== "us-east-1" ? "https://s3." + s.region + ".amazonaws.com" : "https://s3.amazonaws.com";
  return s.region ? "https://sts." + s.region + ".amazonaws.com" : "https://sts.amazonaws.com";
}

// Without a region, botocore uses the services' global endpoints, signed for us-east-1.
const regionFor = (s) => s.region ?? "us-east-1";

// ---- SigV4 ----
const sha256 = (data) => crypto.createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => crypto.createHmac("sha256", key).update(data).digest();
const uriEncode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
const UNSIGNED_HEADERS = new Set(["user-agent", "expect", "transfer-encoding", "x-amzn-trace-id", "content-length"]);

function sign(req, creds, region, service) {
  const amzDate = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  req.headers["x-amz-date"] = amzDate;
  if (creds.sessionToken) req.headers["x-amz-security-token"] = creds.sessionToken;
  const payloadHash = req.headers["x-amz-content-sha256"] ?? sha256(req.body);
  const names = Object.keys(req.headers).filter((n) => !UNSIGNED_HEADERS.has(n)).sort();
  const canonicalHeaders = names.map((n) => n + ":" + String(req.headers[n]).trim().replace(/\s+/g, " ") + "\n").join("");
  // S3 signs the path as sent; every other service escapes it once more.
  const canonicalPath = service === "s3" ? req.path : req.path.split("/").map(uriEncode).join("/");
  const canonicalQuery = [...req.query].map(([k, v]) => uriEncode(k) + "=" + uriEncode(v)).sort().join("&");
  const canonical = [req.method, canonicalPath, canonicalQuery, canonicalHeaders, names.join(";"), payloadHash].join("\n");
  const scope = day + "/" + region + "/" + service + "/aws4_request";
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac("AWS4" + creds.secretAccessKey, day), region), service), "aws4_request");
  req.headers.authorization = "AWS4-HMAC-SHA256 Credential=" + creds.accessKeyId + "/" + scope + ", SignedHeaders=" + names.join(";") + ", Signature=" + hmac(key, toSign).toString("hex");
}

// ---- HTTP, with botocore's "standard" retries ----
const THROTTLING = new Set(["Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException"]);
const TRANSIENT = new Set(["RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "IDPCommunicationError"]);

function xmlText(xml, tag) {
  const m = new RegExp("<" + tag + ">([\\s\\S]*?)</" + tag + ">").exec(xml);
  if (!m) return undefined;
  return m[1].replace(/&(lt|gt|quot|apos|amp|#x[0-9a-f]+|#\d+);/gi, (_, e) => {
    const named = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" }[e.toLowerCase()];
    if (named) return named;
    return String.fromCodePoint(e[1].toLowerCase() === "x" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });
}

// Read once per command, not once per HTTP attempt.
const caRead = new Map();
function caFor(s) {
  if (!s.caBundle) return undefined;
  if (caRead.has(s.caBundle)) return caRead.get(s.caBundle);
  try {
    const ca = fs.readFileSync(s.caBundle);
    caRead.set(s.caBundle, ca);
    return ca;
  } catch {
    throw new CliError("Could not find a suitable TLS CA certificate bundle, invalid path: " + s.caBundle, RC.general);
  }
}

function send(s, url, req) {
  return new Promise((resolve) => {
    const u = new URL(url);
    const lib = u.protocol === "https:" ? https : http;
    const options = { method: req.method, headers: req.headers, agent: false, ca: u.protocol === "https:" ? caFor(s) : undefined };
    const r = lib.request(u, options, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", () => resolve({ network: 'Connection was closed before we received a valid response from endpoint URL: "' + url + '".' }));
    });
    const idle = Math.max(s.connectTimeout, s.readTimeout);
    if (idle) r.setTimeout(idle);
    r.on("timeout", () => r.destroy(Object.assign(new Error("timeout"), { code: r.socket && !r.socket.connecting ? "READ_TIMEOUT" : "CONNECT_TIMEOUT" })));
    r.on("error", (e) => {
      const code = e.code ?? "";
      // botocore's wording for each; all of them are retried, as its standard mode does.
      if (/CERT|SELF_SIGNED|UNABLE_TO/.test(code)) resolve({ network: "SSL validation failed for " + url + " [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: " + e.message });
      else if (code === "CONNECT_TIMEOUT") resolve({ network: 'Connect timeout on endpoint URL: "' + url + '"' });
      else if (code === "READ_TIMEOUT") resolve({ network: 'Read timeout on endpoint URL: "' + url + '"' });
      else resolve({ network: 'Could not connect to the endpoint URL: "' + url + '"' });
    });
    r.end(req.body);
  });
}

async function call(s, { service, operation, url, build, creds, region }) {
  const invocation = crypto.randomUUID();
  for (let attempt = 1; ; attempt++) {
    const u = new URL(url);
    const req = build();
    req.path = u.pathname;
    req.headers.host = u.host;
    req.headers["user-agent"] = "aws-cli/2 md/sandbox-vm-stand-in";
    if (creds) sign(req, creds, region, service);
    // Added after signing, as botocore does.
    req.headers["amz-sdk-invocation-id"] = invocation;
    req.headers["amz-sdk-request"] = "attempt=" + attempt + "; max=" + s.maxAttempts;
    req.headers["content-length"] = String(Buffer.byteLength(req.body));
    const target = u.origin + u.pathname + (req.query.length > 0 ? "?" + req.query.map(([k, v]) => uriEncode(k) + "=" + uriEncode(v)).join("&") : "");
    const got = await send(s, target, req);
    if (got.status !== undefined && got.status < 300) return got.body;
    let retryable = true;
    let error;
    if (got.status !== undefined) {
      const code = xmlText(got.body, "Code") ?? String(got.status);
      const message = xmlText(got.body, "Message") ?? (xmlText(got.body, "Code") ? "Unknown" : http.STATUS_CODES[got.status] ?? "Unknown");
      retryable = [500, 502, 503, 504].includes(got.status) || THROTTLING.has(code) || TRANSIENT.has(code);
      const retries = retryable && attempt >= s.maxAttempts ? " (reached max retries: " + (attempt - 1) + ")" : "";
      error = new CliError("An error occurred (" + code + ") when calling the " + operation + " operation" + retries + ": " + message, RC.service);
    } else error = new CliError(got.network, RC.general);
    if (!retryable || attempt >= s.maxAttempts) throw error;
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(20, 2 ** (attempt - 1)) * 1000));
  }
}

const form = (fields) => Object.entries(fields).map(([k, v]) => uriEncode(k) + "=" + uriEncode(v)).join("&");
const queryRequest = (fields) => () => ({
  method: "POST",
  query: [],
  headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
  body: form({ Action: fields.Action, Version: "2011-06-15", ...fields }),
});

// ---- credentials: botocore's chain, as far as a VM set up by configure needs it ----
function staticKeys(source, values, idName, secretName, tokenNames) {
  const accessKeyId = values(idName);
  const secretAccessKey = values(secretName);
  if (!accessKeyId && !secretAccessKey) return undefined;
  if (!accessKeyId || !secretAccessKey) {
    throw new CliError("Partial credentials found in " + source + ", missing: " + (accessKeyId ? secretName : idName), RC.general);
  }
  const sessionToken = tokenNames.map(values).find(Boolean);
  return { accessKeyId, secretAccessKey, sessionToken };
}

async function credentialsFor(s) {
  // An explicit --profile takes the environment's keys out of the chain (AWS_PROFILE does not).
  if (!s.explicit) {
    const fromEnv = staticKeys("env", (n) => env[n] || undefined, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", ["AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"]);
    if (fromEnv) return fromEnv;
  }
  const setting = (key, envName) => (!s.explicit && set(envName) ? env[envName] : s.profile.get(key));
  const tokenFile = setting("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE");
  if (tokenFile) return webIdentity(s, tokenFile, setting("role_arn", "AWS_ROLE_ARN"), setting("role_session_name", "AWS_ROLE_SESSION_NAME"));
  if (s.profile.has("role_arn")) {
    throw new CliError("Partial credentials found in assume-role, missing: source_profile or credential_source", RC.general);
  }
  const fromFile = (source, values) => staticKeys(source, (n) => values.get(n) || undefined, "aws_access_key_id", "aws_secret_access_key", ["aws_session_token", "aws_security_token"]);
  const found = fromFile("shared-credentials-file", s.fileCredentials) ?? fromFile("config-file", s.profile);
  if (found) return found;
  throw new CliError('Unable to locate credentials. You can configure credentials by running "aws configure".', RC.config);
}

// The CLI keeps assumed-role credentials in ~/.aws/cli/cache/<sha1 of the call's arguments>.json and
// uses them while they have 15 minutes left: a second command does not call STS again.
const CACHE_WINDOW_MS = 15 * 60 * 1000;
const pyString = (v) => JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
function cacheFile(args) {
  // json.dumps(args, sort_keys=True), as botocore hashes it.
  const text = "{" + Object.keys(args).sort().map((k) => pyString(k) + ": " + pyString(args[k])).join(", ") + "}";
  return path.join(env.HOME || os.homedir(), ".aws", "cli", "cache", crypto.createHash("sha1").update(text).digest("hex") + ".json");
}

function fromCache(file) {
  try {
    const c = JSON.parse(fs.readFileSync(file, "utf8")).Credentials;
    const expires = Date.parse(String(c.Expiration).replace(/UTC$/, "Z"));
    if (c.AccessKeyId && c.SecretAccessKey && c.SessionToken && expires - Date.now() >= CACHE_WINDOW_MS) {
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    }
  } catch {
    // missing or unreadable: ask STS
  }
  return undefined;
}

function toCache(file, credentials, xml) {
  const arn = xmlText(xml.replace(/<Credentials>[\s\S]*<\/Credentials>/, ""), "Arn");
  const entry = { Credentials: { ...credentials, Expiration: xmlText(xml, "Expiration") } };
  if (arn) {
    entry.Credentials.AccountId = arn.split(":")[4];
    entry.AssumedRoleUser = { AssumedRoleId: xmlText(xml, "AssumedRoleId"), Arn: arn };
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = file + "." + process.pid + ".tmp";
  fs.writeFileSync(temp, JSON.stringify(entry), { mode: 0o600 });
  fs.renameSync(temp, file);
}

// botocore validates lengths (not patterns) before sending; v2 reports it as a usage error.
function validate(fields) {
  const limits = { RoleArn: [20, 2048], RoleSessionName: [2, 64], WebIdentityToken: [4, 20000] };
  const problems = [];
  for (const [name, [min, max]] of Object.entries(limits)) {
    const n = fields[name].length;
    if (n < min) problems.push("Invalid length for parameter " + name + ", value: " + n + ", valid min length: " + min);
    if (n > max) problems.push("Invalid length for parameter " + name + ", value: " + n + ", valid max length: " + max);
  }
  if (problems.length > 0) throw new CliError("Parameter validation failed:\n" + problems.join("\n"), RC.usage);
}

async function webIdentity(s, tokenFile, roleArn, sessionName) {
  if (!roleArn) {
    throw new CliError("The provided profile or the current environment is configured to assume role with web identity but has no role ARN configured. Ensure that the profile has the role_arnconfiguration set or the AWS_ROLE_ARN env var is set.", RC.general);
  }
  // A generated session name stays out of the cache key (it changes every second).
  const cache = cacheFile(sessionName ? { RoleSessionName: sessionName, RoleArn: roleArn } : { RoleArn: roleArn });
  const cached = fromCache(cache);
  if (cached) return cached;
  let token;
  try {
    // Read as is, as botocore does: a trailing newline is part of what STS gets.
    token = fs.readFileSync(tokenFile, "utf8");
  } catch (e) {
    const reason = e.code === "ENOENT" ? "[Errno 2] No such file or directory" : e.code === "EACCES" ? "[Errno 13] Permission denied" : e.message;
    throw new CliError(reason + ": '" + tokenFile + "'", RC.general);
  }
  // Field order as botocore sends them.
  const fields = { Action: "AssumeRoleWithWebIdentity", RoleSessionName: sessionName || "botocore-session-" + Math.floor(Date.now() / 1000), RoleArn: roleArn, WebIdentityToken: token };
  validate(fields);
  const region = regionFor(s);
  const xml = await call(s, { service: "sts", operation: "AssumeRoleWithWebIdentity", url: endpointFor(s, "sts", false), build: queryRequest(fields), creds: undefined, region });
  const credentials = { AccessKeyId: xmlText(xml, "AccessKeyId"), SecretAccessKey: xmlText(xml, "SecretAccessKey"), SessionToken: xmlText(xml, "SessionToken") };
  if (!credentials.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
    throw new CliError("Unable to parse the AssumeRoleWithWebIdentity response: no Credentials", RC.general);
  }
  toCache(cache, credentials, xml);
  return { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken };
}

// ---- commands ----
function print(s, fields) {
  if (s.output === "json") process.stdout.write(JSON.stringify(fields, null, 4) + "\n");
  // Text output: a dict's scalar values, tab-separated, in key order.
  else process.stdout.write(Object.keys(fields).sort().map((k) => fields[k]).join("\t") + "\n");
}

async function getCallerIdentity(s) {
  const region = regionFor(s);
  const creds = await credentialsFor(s);
  const xml = await call(s, { service: "sts", operation: "GetCallerIdentity", url: endpointFor(s, "sts", true), build: queryRequest({ Action: "GetCallerIdentity" }), creds, region });
  print(s, { UserId: xmlText(xml, "UserId"), Account: xmlText(xml, "Account"), Arn: xmlText(xml, "Arn") });
}

async function listBuckets(s) {
  const region = regionFor(s);
  const creds = await credentialsFor(s);
  const url = endpointFor(s, "s3", true);
  let token;
  do {
    const query = token === undefined ? [] : [["continuation-token", token]];
    const build = () => ({ method: "GET", query, headers: { "x-amz-content-sha256": url.startsWith("https:") ? "UNSIGNED-PAYLOAD" : sha256("") }, body: "" });
    const xml = await call(s, { service: "s3", operation: "ListBuckets", url, build, creds, region });
    for (const [, bucket] of xml.matchAll(/<Bucket>([\s\S]*?)<\/Bucket>/g)) {
      // "aws s3 ls" prints the creation time in local time, then the name.
      const d = new Date(xmlText(bucket, "CreationDate"));
      const p = (n) => String(n).padStart(2, "0");
      const when = d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds());
      process.stdout.write(when + " " + xmlText(bucket, "Name") + "\n");
    }
    token = xmlText(xml.replace(/<Buckets>[\s\S]*<\/Buckets>/, ""), "ContinuationToken") || undefined;
  } while (token !== undefined);
}

async function main() {
  const { opts, words } = parseArgs(process.argv.slice(2));
  if (opts.version) {
    process.stdout.write("aws-cli/2 Node/" + process.versions.node + " sandbox-vm-stand-in\n");
    return;
  }
  const command = words.join(" ");
  if (command === "sts get-caller-identity") return getCallerIdentity(loadSettings(opts));
  if (command === "s3 ls") return listBuckets(loadSettings(opts));
  if (words[0] === "s3" && words[1] === "ls") throw refuse("listing objects ('aws " + command + "')");
  throw refuse(words.length > 0 ? "'aws " + command + "'" : "'aws' without a command");
}

try {
  await main();
} catch (e) {
  // The CLI v2 prints an empty line, then the message, to stderr.
  process.stderr.write("\n" + (e instanceof CliError ? e.message : String(e?.message ?? e)) + "\n");
  process.exitCode = e instanceof CliError ? e.rc : RC.general;
}
`;

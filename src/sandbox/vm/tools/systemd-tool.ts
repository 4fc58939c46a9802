// systemctl, journalctl and loginctl of a sandbox VM (Node program).
// Kept as text because it runs as its own program inside the VM (launched from the VM's bin folder);
// the VM tests run it through SSH and directly.
export const SYSTEMD_TOOL_JS = String.raw`// systemctl, journalctl and loginctl of a sandbox VM: the bookkeeping of a systemd user manager,
// kept in the VM folder. Services run to completion when started (oneshot semantics); timers do
// not fire later by themselves.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const vmDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const sysDir = path.join(vmDir, "systemd");
const statePath = path.join(sysDir, "state.json");
const journalDir = path.join(sysDir, "journal");
const machine = JSON.parse(fs.readFileSync(path.join(sysDir, "machine.json"), "utf8"));
const home = machine.env.HOME;
const unitDir = path.join(home, ".config", "systemd", "user");
const SANDBOX_HINT = "(sandbox VM: only user units, systemctl --user, are emulated)";

let state = readState();
let exitCode = 0;

function readState() {
  try {
    return JSON.parse(fs.readFileSync(statePath, "utf8"));
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
    return { units: {}, linger: {} };
  }
}

function saveState() {
  const tmp = statePath + "." + process.pid + ".tmp";
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  fs.renameSync(tmp, statePath);
}

function out(line) {
  process.stdout.write(line + "\n");
}
function err(line) {
  process.stderr.write(line + "\n");
}
function fail(line, code) {
  err(line);
  exitCode = Math.max(exitCode, code);
}

function unitRecord(name) {
  state.units[name] ??= {};
  return state.units[name];
}

function normalise(name) {
  return /\.(service|timer|target|socket|path|mount|slice|scope)$/.test(name) ? name : name + ".service";
}

// Unit files: sections of Key=Value lines, "#"/";" comments, "\" continues a line; an empty
// value resets a list (ExecStart=).
function parseUnit(text) {
  const sections = {};
  let current;
  const lines = text.replace(/\\\n/g, " ").split("\n");
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = sections[section[1]] ??= {};
      continue;
    }
    const eq = line.indexOf("=");
    if (current === undefined || eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    current[key] = value === "" ? [] : [...(current[key] ?? []), value];
  }
  return sections;
}

function get(unit, section, key) {
  const values = unit.sections[section]?.[key] ?? [];
  return values[values.length - 1];
}

function readFileOrUndefined(file) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    if (e.code === "ENOENT") return undefined;
    throw e;
  }
}

// systemd loads a unit from disk the first time it is referenced and keeps that copy until
// daemon-reload: an edited file is not used until then, only warned about.
function loadUnit(name) {
  const file = path.join(unitDir, name);
  const onDisk = readFileOrUndefined(file);
  const rec = state.units[name];
  let text = rec?.loaded;
  if (text === undefined) {
    if (onDisk === undefined) return undefined;
    text = onDisk;
    unitRecord(name).loaded = text;
  } else if (onDisk !== text) {
    err(
      "Warning: The unit file, source configuration file or drop-ins of " + name +
        " changed on disk. Run 'systemctl --user daemon-reload' to reload units.",
    );
  }
  return { name, file, sections: parseUnit(text) };
}

function expand(value, env) {
  return value.replace(/%[%hunH]/g, (m) =>
    m === "%%" ? "%" : m === "%h" ? env.HOME : m === "%u" ? env.USER : m === "%H" ? machine.hostname : m === "%n" ? "" : m,
  );
}

function journal(name, pid, text) {
  if (text === "") return;
  fs.mkdirSync(journalDir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString();
  const ident = name.replace(/\.[a-z]+$/, "");
  const lines = text.replace(/\n$/, "").split("\n");
  const entries = lines.map((l) => JSON.stringify({ t: stamp, unit: name, ident, pid, msg: l })).join("\n") + "\n";
  fs.appendFileSync(path.join(journalDir, "journal.jsonl"), entries, { mode: 0o600 });
}

function serviceEnv(unit) {
  const env = { ...machine.env };
  for (const file of unit.sections.Service?.EnvironmentFile ?? []) {
    const optional = file.startsWith("-");
    const text = readFileOrUndefined(expand(optional ? file.slice(1) : file, env));
    if (text === undefined) {
      if (optional) continue;
      return { error: "Failed to load environment files: No such file or directory" };
    }
    for (const line of text.split("\n")) {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (m) env[m[1]] = m[2].replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
    }
  }
  for (const assignment of unit.sections.Service?.Environment ?? []) {
    for (const m of assignment.matchAll(/"([^"=]+)=([^"]*)"|([^\s=]+)=(\S*)/g)) {
      env[m[1] ?? m[3]] = expand(m[2] ?? m[4], env);
    }
  }
  return { env };
}

// Runs the service's commands to the end, as a oneshot service; output goes to the journal.
function runService(unit) {
  const rec = unitRecord(unit.name);
  const service = unit.sections.Service ?? {};
  const starts = service.ExecStart ?? [];
  if (starts.length === 0) return { ok: false, reason: "bad-setting" };
  const { env, error } = serviceEnv(unit);
  if (error) {
    journal(unit.name, 0, error);
    return finish(rec, false, 1, "resources");
  }
  const dir = expand(get(unit, "Service", "WorkingDirectory") ?? "~", env).replace(/^-/, "");
  const cwd = dir === "~" ? env.HOME : dir;
  rec.lastStart = Date.now();
  const commands = [...(service.ExecStartPre ?? []), ...starts, ...(service.ExecStartPost ?? [])];
  for (const command of commands) {
    const mayFail = /^[@+!:]*-/.test(command);
    const line = expand(command.replace(/^[-@+!:]+/, ""), env);
    const run = spawnSync("/bin/sh", ["-c", line], { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    journal(unit.name, run.pid ?? 0, (run.stdout ?? "") + (run.stderr ?? ""));
    if (run.error) {
      journal(unit.name, 0, String(run.error.message));
      return finish(rec, false, 203, "exit-code");
    }
    if (run.signal) return finish(rec, false, run.signal, "signal");
    if (run.status !== 0 && !mayFail) return finish(rec, false, run.status, "exit-code");
  }
  return finish(rec, true, 0, "success", /^(yes|true|on|1)$/i.test(get(unit, "Service", "RemainAfterExit") ?? ""));
}

function finish(rec, ok, status, result, remain = false) {
  rec.lastEnd = Date.now();
  rec.exitStatus = status;
  rec.result = result;
  rec.active = ok && remain;
  rec.failed = !ok;
  return { ok };
}

const SPAN_UNITS = {
  us: 1e-3, usec: 1e-3, ms: 1, msec: 1, s: 1e3, sec: 1e3, second: 1e3, seconds: 1e3,
  m: 6e4, min: 6e4, minute: 6e4, minutes: 6e4, h: 36e5, hr: 36e5, hour: 36e5, hours: 36e5,
  d: 864e5, day: 864e5, days: 864e5, w: 6048e5, week: 6048e5, weeks: 6048e5,
  M: 2629800e3, month: 2629800e3, months: 2629800e3, y: 31557600e3, year: 31557600e3, years: 31557600e3,
};

function parseSpan(text) {
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Number(text) * 1e3;
  let total = 0;
  let matched = "";
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*([A-Za-z]+)/g)) {
    const unit = SPAN_UNITS[m[2]];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
    matched += m[0];
  }
  return matched.replace(/\s/g, "") === text.replace(/\s/g, "") && matched !== "" ? total : undefined;
}

// OnCalendar: the shorthands and "*-*-* HH:MM[:SS]" (every day at a time). Others have no NEXT here.
function nextCalendar(spec, after) {
  const d = new Date(after);
  const at = (y, mo, day, h, mi, s) => new Date(Date.UTC(y, mo, day, h, mi, s)).getTime();
  const Y = d.getUTCFullYear(), Mo = d.getUTCMonth(), D = d.getUTCDate(), H = d.getUTCHours(), Mi = d.getUTCMinutes();
  switch (spec) {
    case "minutely": return at(Y, Mo, D, H, Mi + 1, 0);
    case "hourly": return at(Y, Mo, D, H + 1, 0, 0);
    case "daily": return at(Y, Mo, D + 1, 0, 0, 0);
    case "weekly": return at(Y, Mo, D + ((8 - d.getUTCDay()) % 7 || 7), 0, 0, 0);
    case "monthly": return at(Y, Mo + 1, 1, 0, 0, 0);
    case "yearly": case "annually": return at(Y + 1, 0, 1, 0, 0, 0);
  }
  const m = /^\*-\*-\*\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(spec);
  if (!m) return undefined;
  const today = at(Y, Mo, D, Number(m[1]), Number(m[2]), Number(m[3] ?? 0));
  return today > after ? today : today + 864e5;
}

const MONOTONIC = ["OnBootSec", "OnStartupSec", "OnActiveSec"];

function timerTarget(unit) {
  return get(unit, "Timer", "Unit") ?? unit.name.replace(/\.timer$/, ".service");
}

function nextElapse(unit, rec) {
  const now = Date.now();
  const service = state.units[timerTarget(unit)] ?? {};
  const candidates = [];
  const add = (key, base) => {
    for (const v of unit.sections.Timer?.[key] ?? []) {
      const span = parseSpan(v);
      if (span !== undefined && base !== undefined) candidates.push(base + span);
    }
  };
  add("OnBootSec", machine.bootTime);
  add("OnStartupSec", machine.bootTime);
  add("OnActiveSec", rec.activeSince);
  add("OnUnitActiveSec", rec.lastTrigger);
  add("OnUnitInactiveSec", service.lastEnd);
  for (const v of unit.sections.Timer?.OnCalendar ?? []) {
    const next = nextCalendar(v, now);
    if (next !== undefined) candidates.push(next);
  }
  const future = candidates.filter((t) => t > now);
  return future.length > 0 ? Math.min(...future) : undefined;
}

function startUnit(name) {
  const unit = loadUnit(name);
  if (!unit) return fail("Failed to start " + name + ": Unit " + name + " not found.", 5);
  if (name.endsWith(".service")) {
    const result = runService(unit);
    if (result.reason === "bad-setting") return fail("Failed to start " + name + ": Unit " + name + " has a bad unit file setting.\nSee user logs and 'systemctl --user status " + name + "' for details.", 1);
    if (!result.ok) {
      return fail(
        "Job for " + name + " failed because the control process exited with error code.\n" +
          'See "systemctl --user status ' + name + '" and "journalctl --user -xeu ' + name + '" for details.',
        1,
      );
    }
    return;
  }
  if (name.endsWith(".timer")) {
    const target = timerTarget(unit);
    const service = loadUnit(target);
    if (!service) return fail("Failed to start " + name + ": Unit " + target + " not found.", 5);
    const rec = unitRecord(name);
    if (rec.active) return;
    rec.active = true;
    rec.activeSince = Date.now();
    // A monotonic trigger (OnBootSec=, OnActiveSec=…) makes a just-started timer fire at once in
    // the sandbox: sandbox time does not pass, so "soon" is "now".
    if (MONOTONIC.some((k) => (unit.sections.Timer?.[k] ?? []).length > 0)) {
      rec.lastTrigger = Date.now();
      runService(service);
    }
    return;
  }
  fail("Failed to start " + name + ": unit type not emulated " + SANDBOX_HINT, 1);
}

function stopUnit(name) {
  const rec = state.units[name];
  if (!rec && readFileOrUndefined(path.join(unitDir, name)) === undefined) {
    return fail("Failed to stop " + name + ": Unit " + name + " not loaded.", 5);
  }
  const r = unitRecord(name);
  r.active = false;
  delete r.activeSince;
}

function wantedLinks(unit) {
  const install = unit.sections.Install ?? {};
  const targets = [...(install.WantedBy ?? []), ...(install.RequiredBy ?? [])].flatMap((v) => v.split(/\s+/));
  return targets.map((t) => ({
    link: path.join(unitDir, t + (install.RequiredBy?.some((v) => v.split(/\s+/).includes(t)) ? ".requires" : ".wants"), unit.name),
    target: unit.file,
  }));
}

function isEnabled(name) {
  let entries = [];
  try {
    entries = fs.readdirSync(unitDir, { withFileTypes: true });
  } catch (e) {
    if (e.code !== "ENOENT") throw e;
  }
  return entries.some((e) => e.isDirectory() && /\.(wants|requires)$/.test(e.name) && fs.existsSync(path.join(unitDir, e.name, name)));
}

function enableUnit(name) {
  const unit = loadUnit(name);
  if (!unit) return fail("Failed to enable unit: Unit file " + name + " does not exist.", 1);
  const links = wantedLinks(unit);
  if (links.length === 0) {
    err("The unit files have no installation config (WantedBy=, RequiredBy=, UpheldBy=, Also=,");
    err("or Alias= settings in the [Install] section, and DefaultInstance= for template");
    err("units). This means they are not meant to be enabled or disabled using systemctl.");
    return;
  }
  for (const { link, target } of links) {
    if (fs.existsSync(link)) continue;
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(target, link);
    err("Created symlink '" + link + "' \u2192 '" + target + "'.");
  }
}

function disableUnit(name) {
  const unit = loadUnit(name);
  if (!unit) return fail("Failed to disable unit: Unit file " + name + " does not exist.", 1);
  for (const { link } of wantedLinks(unit)) {
    if (!fs.existsSync(link)) continue;
    fs.unlinkSync(link);
    err("Removed '" + link + "'.");
  }
}

function activeState(name) {
  const rec = state.units[name];
  if (!rec) return "inactive";
  if (rec.failed && name.endsWith(".service")) return "failed";
  return rec.active ? "active" : "inactive";
}

function unitFileState(name) {
  const unit = loadUnit(name);
  if (!unit) return undefined;
  if (isEnabled(name)) return "enabled";
  return wantedLinks(unit).length === 0 ? "static" : "disabled";
}

function formatTime(ms) {
  if (ms === undefined) return "-";
  const d = new Date(ms);
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  return day + " " + d.toISOString().slice(0, 19).replace("T", " ") + " UTC";
}

function formatSpan(ms) {
  let s = Math.round(Math.abs(ms) / 1000);
  const parts = [];
  for (const [unit, size] of [["day", 86400], ["h", 3600], ["min", 60], ["s", 1]]) {
    const n = Math.floor(s / size);
    s -= n * size;
    if (n > 0) parts.push(n + (unit === "day" ? (n === 1 ? " day" : " days") : unit));
    if (parts.length === 2) break;
  }
  return parts.length === 0 ? "0s" : parts.join(" ");
}

function listTimers(all) {
  const names = new Set(Object.keys(state.units).filter((n) => n.endsWith(".timer")));
  const rows = [];
  for (const name of [...names].sort()) {
    const rec = state.units[name];
    if (!rec.active && !all) continue;
    const unit = loadUnit(name);
    if (!unit) continue;
    const next = rec.active ? nextElapse(unit, rec) : undefined;
    const now = Date.now();
    rows.push([
      formatTime(next),
      next === undefined ? "-" : formatSpan(next - now),
      formatTime(rec.lastTrigger),
      rec.lastTrigger === undefined ? "-" : formatSpan(now - rec.lastTrigger) + " ago",
      name,
      timerTarget(unit),
    ]);
  }
  const header = ["NEXT", "LEFT", "LAST", "PASSED", "UNIT", "ACTIVATES"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join(" ");
  if (!flags.noLegend) out(line(header));
  for (const r of rows) out(line(r));
  if (!flags.noLegend) {
    out("");
    out(rows.length + " timers listed.");
    if (!all) out("Pass --all to see loaded but inactive timers, too.");
  }
}

function statusUnit(name) {
  const unit = loadUnit(name);
  if (!unit) {
    fail("Unit " + name + " could not be found.", 4);
    return;
  }
  const rec = state.units[name] ?? {};
  const active = activeState(name);
  const description = get(unit, "Unit", "Description") ?? name;
  out((active === "active" ? "\u25cf " : active === "failed" ? "\u00d7 " : "\u25cb ") + name + " - " + description);
  out("     Loaded: loaded (" + unit.file + "; " + unitFileState(name) + "; preset: enabled)");
  const sub = name.endsWith(".timer") ? (active === "active" ? "waiting" : "dead") : active === "active" ? "exited" : active === "failed" ? "failed" : "dead";
  const since = rec.activeSince ?? rec.lastEnd;
  out("     Active: " + active + " (" + sub + ")" + (since ? " since " + formatTime(since) + "; " + formatSpan(Date.now() - since) + " ago" : ""));
  if (name.endsWith(".timer")) {
    const next = rec.active ? nextElapse(unit, rec) : undefined;
    if (next !== undefined) out("    Trigger: " + formatTime(next) + "; " + formatSpan(next - Date.now()) + " left");
    out("   Triggers: \u25cf " + timerTarget(unit));
  } else if (rec.result !== undefined) {
    const code = rec.result === "signal" ? "code=killed, signal=" + rec.exitStatus : "code=exited, status=" + rec.exitStatus + (rec.exitStatus === 0 ? "/SUCCESS" : "/FAILURE");
    out("    Process: (" + code + ")");
  }
  const lines = journalLines([name]).slice(-10);
  if (lines.length > 0) {
    out("");
    for (const l of lines) out(l);
  }
  if (active !== "active") exitCode = Math.max(exitCode, 3);
}

function journalLines(units) {
  const text = readFileOrUndefined(path.join(journalDir, "journal.jsonl")) ?? "";
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l))
    .filter((e) => units.length === 0 || units.includes(e.unit))
    .map((e) => {
      const d = new Date(e.t);
      const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
      const stamp = month + " " + String(d.getUTCDate()).padStart(2, "0") + " " + d.toISOString().slice(11, 19);
      return flags.output === "cat" ? e.msg : stamp + " " + machine.hostname + " " + e.ident + "[" + e.pid + "]: " + e.msg;
    });
}

function show(name) {
  const unit = loadUnit(name);
  const rec = state.units[name] ?? {};
  const props = {
    Id: name,
    LoadState: unit ? "loaded" : "not-found",
    ActiveState: activeState(name),
    SubState: activeState(name) === "active" ? (name.endsWith(".timer") ? "waiting" : "exited") : activeState(name) === "failed" ? "failed" : "dead",
    UnitFileState: unit ? unitFileState(name) : "",
    Result: rec.result ?? "success",
    ExecMainStatus: String(rec.exitStatus ?? 0),
    FragmentPath: unit ? unit.file : "",
  };
  const wanted = flags.properties.length > 0 ? flags.properties : Object.keys(props);
  for (const p of wanted) out(flags.value ? (props[p] ?? "") : p + "=" + (props[p] ?? ""));
}

// -- command lines ---------------------------------------------------------------------------

const flags = { user: false, now: false, quiet: false, all: false, noLegend: false, value: false, properties: [], units: [], lines: undefined, output: "short" };

// Long options this emulation accepts and ignores (they change paging or detail only).
const IGNORED = new Set(["--no-pager", "--no-block", "--full", "--catalog", "--pager-end", "--no-ask-password", "--wait", "--no-reload"]);

function parseArgs(argv) {
  const words = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? "";
    const eq = a.indexOf("=");
    const long = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith("--") && eq > 0 ? a.slice(eq + 1) : undefined;
    const arg = () => inline ?? value();
    if (long === "--user") flags.user = true;
    else if (long === "--system") flags.user = false;
    else if (long === "--now") flags.now = true;
    else if (long === "--quiet") flags.quiet = true;
    else if (long === "--all") flags.all = true;
    else if (long === "--no-legend") flags.noLegend = true;
    else if (long === "--value") flags.value = true;
    else if (long === "--property") flags.properties.push(...arg().split(","));
    else if (long === "--unit" || long === "--user-unit") flags.units.push(normalise(arg()));
    else if (long === "--lines") flags.lines = Number(arg());
    else if (long === "--output") flags.output = arg();
    else if (IGNORED.has(long)) continue;
    else if (/^-[a-zA-Z]+\d*$/.test(a)) {
      // A cluster of short options, as in "journalctl -xeu x.service" or "-n20".
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        const rest = a.slice(j + 1);
        if (c === "q") flags.quiet = true;
        else if (c === "a") flags.all = true;
        else if (c === "l" || c === "x" || c === "e" || c === "f") continue;
        else if (c === "u") flags.units.push(normalise(value()));
        else if (c === "p") flags.properties.push(...value().split(","));
        else if (c === "o") flags.output = value();
        else if (c === "n") {
          flags.lines = /^\d+$/.test(rest) ? Number(rest) : Number(value());
          break;
        } else return usage(a);
      }
    } else if (a.startsWith("-")) return usage(a);
    else words.push(a);
  }
  return words;
}

function usage(option) {
  err((process.argv[2] ?? "systemctl") + ": unrecognized option '" + option + "' " + SANDBOX_HINT);
  process.exit(1);
}

function systemctl(argv) {
  const [verb = "list-units", ...rest] = parseArgs(argv);
  const units = rest.map(normalise);
  const writes = new Set(["daemon-reload", "enable", "disable", "start", "stop", "restart", "reenable"]);
  if (!flags.user) {
    if (writes.has(verb)) {
      const what = verb === "daemon-reload" ? "reload daemon" : verb === "enable" || verb === "disable" ? verb + " unit" : verb + " " + (units[0] ?? "");
      return fail("Failed to " + what + ": Interactive authentication required.\n" + SANDBOX_HINT, 1);
    }
    if (verb === "is-active") {
      if (!flags.quiet) units.forEach(() => out("inactive"));
      return fail(SANDBOX_HINT, 3);
    }
    return fail("Unit " + (units[0] ?? "") + " could not be found. " + SANDBOX_HINT, 4);
  }
  switch (verb) {
    case "daemon-reload":
      for (const [name, rec] of Object.entries(state.units)) {
        const onDisk = readFileOrUndefined(path.join(unitDir, name));
        if (onDisk === undefined) delete rec.loaded;
        else rec.loaded = onDisk;
      }
      state.reloadedAt = Date.now();
      return;
    case "enable":
    case "reenable":
      if (units.length === 0) return fail("Too few arguments.", 1);
      for (const u of units) enableUnit(u);
      if (flags.now && exitCode === 0) for (const u of units) startUnit(u);
      return;
    case "disable":
      if (units.length === 0) return fail("Too few arguments.", 1);
      for (const u of units) disableUnit(u);
      if (flags.now) for (const u of units) stopUnit(u);
      return;
    case "start":
      for (const u of units) startUnit(u);
      return;
    case "stop":
      for (const u of units) stopUnit(u);
      return;
    case "restart":
      for (const u of units) {
        if (state.units[u]) state.units[u].active = false;
        startUnit(u);
      }
      return;
    case "is-active": {
      for (const u of units) {
        const s = activeState(u);
        if (!flags.quiet) out(s);
        if (s !== "active") exitCode = 3;
      }
      return;
    }
    case "is-failed": {
      let any = false;
      for (const u of units) {
        const s = activeState(u);
        if (!flags.quiet) out(s);
        any ||= s === "failed";
      }
      exitCode = any ? 0 : 1;
      return;
    }
    case "is-enabled": {
      for (const u of units) {
        const s = unitFileState(u);
        if (s === undefined) fail("Failed to get unit file state for " + u + ": No such file or directory", 1);
        else {
          if (!flags.quiet) out(s);
          if (s !== "enabled" && s !== "static") exitCode = Math.max(exitCode, 1);
        }
      }
      return;
    }
    case "list-timers":
      return listTimers(flags.all);
    case "status":
      for (const u of units) statusUnit(u);
      return;
    case "show":
      for (const u of units) show(u);
      return;
    case "cat":
      for (const u of units) {
        const unit = loadUnit(u);
        if (!unit) fail("No files found for " + u + ".", 1);
        else out("# " + unit.file + "\n" + state.units[u].loaded.replace(/\n$/, ""));
      }
      return;
    default:
      return fail("Unknown command verb '" + verb + "'. " + SANDBOX_HINT, 1);
  }
}

function journalctl(argv) {
  parseArgs(argv);
  let lines = journalLines(flags.units);
  if (flags.lines !== undefined) lines = lines.slice(-flags.lines);
  if (lines.length === 0) out("-- No entries --");
  for (const l of lines) out(l);
}

function loginctl(argv) {
  const [verb, ...users] = parseArgs(argv);
  const who = users.length > 0 ? users : [machine.env.USER];
  for (const u of who) {
    if (u !== machine.env.USER) return fail("Failed to look up user " + u + ": No such process", 1);
  }
  switch (verb) {
    case "enable-linger":
    case "disable-linger":
      for (const u of who) state.linger[u] = verb === "enable-linger";
      return;
    case "show-user": {
      const linger = state.linger[who[0]] ? "yes" : "no";
      const props = { Name: who[0], Linger: linger, State: "active" };
      const wanted = flags.properties.length > 0 ? flags.properties : Object.keys(props);
      for (const p of wanted) out(flags.value ? (props[p] ?? "") : p + "=" + (props[p] ?? ""));
      return;
    }
    default:
      return fail("Unknown command verb '" + verb + "'. " + SANDBOX_HINT, 1);
  }
}

const [tool, ...args] = process.argv.slice(2);
state.linger ??= {};
state.units ??= {};
// A sandbox start is a reboot: the manager reads unit files afresh, enabled timers are active
// again (since boot), everything else is stopped.
if (state.bootId !== machine.bootId) {
  for (const [name, rec] of Object.entries(state.units)) {
    delete rec.loaded;
    rec.failed = false;
    rec.active = name.endsWith(".timer") && isEnabled(name);
    if (rec.active) rec.activeSince = machine.bootTime;
    else delete rec.activeSince;
  }
  state.bootId = machine.bootId;
}
if (tool === "systemctl") systemctl(args);
else if (tool === "journalctl") journalctl(args);
else if (tool === "loginctl") loginctl(args);
saveState();
process.exitCode = exitCode;
`;

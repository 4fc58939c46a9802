import type { FileHandle } from "node:fs/promises";
import { redactText, redactValue } from "./redact.js";
import { openForAppend, readTextIfExists } from "./safe-file.js";
import type { JournalEntry } from "./types.js";

/** One JSON line per request: what benchmarks count and what a failed test run is debugged from. */
export interface Journal {
  readonly path: string;
  /** Whether entries should carry (redacted) headers and bodies. */
  readonly bodies: boolean;
  append(entry: JournalEntry): Promise<void>;
  close(): Promise<void>;
}

export async function openJournal(path: string, options: { bodies: boolean }): Promise<Journal> {
  const handle: FileHandle = await openForAppend(path);
  // Serialised so lines never interleave and close() waits for the last one.
  let tail: Promise<void> = Promise.resolve();
  let closed = false;
  return {
    path,
    bodies: options.bodies,
    append(entry) {
      if (closed) return Promise.resolve();
      const line = `${JSON.stringify(entry)}\n`;
      const next = tail.then(async () => {
        await handle.write(line);
      });
      tail = next.catch(() => undefined);
      return next;
    },
    async close() {
      if (closed) return;
      closed = true;
      await tail;
      await handle.close();
    },
  };
}

/** Reads a journal; a torn last line (the process died mid-write) is skipped. */
export async function readJournal(path: string): Promise<JournalEntry[]> {
  const text = await readTextIfExists(path);
  if (text === undefined) return [];
  const lines = text.split("\n").filter((line) => line.trim().length > 0);
  const entries: JournalEntry[] = [];
  lines.forEach((line, index) => {
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch (err) {
      if (index !== lines.length - 1) throw new Error(`${path}: line ${index + 1} is not JSON`, { cause: err });
    }
  });
  return entries;
}

const MAX_BODY_CHARS = 64 * 1024;
// Header names whose whole value is a credential, beyond what redactValue already knows.
const SECRET_HEADER = /authorization|cookie|token|secret|signature|api-?key|credential|password/i;

/** Headers and body for a journal entry with every secret removed. */
export function journalDetail(
  headers: Record<string, unknown>,
  body: Buffer,
): { headers: Record<string, unknown>; body: string } {
  const safeHeaders: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    safeHeaders[name] = SECRET_HEADER.test(name) && value != null ? "[redacted]" : redactValue(value);
  }
  const contentType = headerText(headers["content-type"]);
  return { headers: safeHeaders, body: redactBody(body, contentType) };
}

function redactBody(body: Buffer, contentType: string): string {
  if (body.length === 0) return "";
  let text = body.toString("utf8");
  if (text.length > MAX_BODY_CHARS) text = `${text.slice(0, MAX_BODY_CHARS)}…[truncated]`;
  if (/json/i.test(contentType)) {
    try {
      return JSON.stringify(redactValue(JSON.parse(text)));
    } catch {
      // Not valid JSON after all (or truncated): fall through to the text patterns.
    }
  }
  if (/x-www-form-urlencoded/i.test(contentType)) {
    // Parsed so that keys like access_token or client_assertion lose their values by name.
    const pairs = [...new URLSearchParams(text)].map(([key, value]) => {
      const redacted = redactValue({ [key]: value }) as Record<string, unknown>;
      const safe = /assertion|token|secret|password|private_?key/i.test(key) ? "[redacted]" : String(redacted[key]);
      return `${key}=${safe}`;
    });
    return redactText(pairs.join("&"));
  }
  return redactText(text);
}

function headerText(value: unknown): string {
  if (Array.isArray(value)) return value.join(",");
  return typeof value === "string" ? value : "";
}

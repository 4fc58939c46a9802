import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "../helpers/temp-dir.js";

// The built CLI, as a user runs it (npm test builds first).
const bin = fileURLToPath(new URL("../../bin/oidc-bridge.cjs", import.meta.url));
const example = fileURLToPath(new URL("../../config.example.json", import.meta.url));

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => (dir = await tempDir()));
afterEach(async () => dir.cleanup());

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir.path,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the built CLI", () => {
  test("--help lists the commands and the global options", () => {
    const { status, stdout } = cli("--help");
    expect(status).toBe(0);
    for (const word of [
      "status",
      "trust",
      "identity",
      "config",
      "sandbox",
      "--sandbox",
      "--state-dir",
      "--json",
      "--debug",
      "--no-color",
    ])
      expect(stdout).toContain(word);
  });

  test("config check accepts config.example.json", () => {
    const { status, stdout } = cli("config", "check", "-c", example);
    expect(status).toBe(0);
    expect(stdout).toContain("config ok");
  });

  test("config check with three problems exits 2, names all three fields, and shows no stack trace", async () => {
    await writeFile(
      join(dir.path, "bad.json"),
      JSON.stringify({ aws: { maxSessionDuration: "long" }, colour: "blue", adminCidrs: ["1.2.3.4/40"] }),
    );
    const { status, stderr } = cli("config", "check", "-c", "bad.json");
    expect(status).toBe(2);
    expect(stderr).toContain("aws.maxSessionDuration");
    expect(stderr).toContain("colour: unknown key");
    expect(stderr).toContain("adminCidrs.0");
    expect(stderr).toContain('"1.2.3.4/40"');
    expect(stderr).toContain("fix:");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test("--json gives one JSON event per line, the error last", async () => {
    await writeFile(join(dir.path, "oidc-bridge.json"), JSON.stringify({ azure: { location: "West Europe" } }));
    const { status, stdout } = cli("--json", "config", "check");
    expect(status).toBe(2);
    const events = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; code?: string; details?: string[] });
    expect(events.at(-1)?.type).toBe("error");
    expect(events.at(-1)?.code).toBe("CONFIG_INVALID");
    expect(events.at(-1)?.details?.[0]).toContain("azure.location");
  });

  test("config schema prints a JSON Schema", () => {
    const { status, stdout } = cli("config", "schema");
    expect(status).toBe(0);
    const schema = JSON.parse(stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toContain("azure");
  });

  test("status with no state says what to run, without touching a cloud", () => {
    const { status, stdout } = cli("status");
    expect(status).toBe(0);
    expect(stdout).toContain("no deployment recorded");
  });

  test("an unknown option is a usage error (exit 2)", () => {
    const { status, stderr } = cli("--frobnicate");
    expect(status).toBe(2);
    expect(stderr).toContain("unknown option");
  });

  test("with --json a usage mistake is a JSON error event on stdout", () => {
    const { status, stdout, stderr } = cli("--json", "trust", "--dry-rnu");
    expect(status).toBe(2);
    expect(stderr).toBe("");
    expect(JSON.parse(stdout.trim()) as unknown).toMatchObject({
      type: "error",
      code: "USAGE",
      message: "unknown option '--dry-rnu'\n(Did you mean --dry-run?)",
    });
  });

  test("a bad global flag value names the flag", () => {
    const { status, stderr } = cli("--aws-region", "Frankfurt", "status");
    expect(status).toBe(2);
    expect(stderr).toContain("--aws-region must be a region code");
  });

  test("with --json a bad flag value is a JSON error event on stdout, naming the flag", () => {
    const { status, stdout, stderr } = cli("--json", "--aws-region", "Frankfurt", "status");
    expect(status).toBe(2);
    expect(stderr).toBe("");
    const event = JSON.parse(stdout.trim()) as { type: string; code: string; details: string[] };
    expect(event).toMatchObject({ type: "error", code: "USAGE" });
    expect(event.details.join("\n")).toContain("--aws-region must be a region code");
  });

  test("--help lists every command of the flow", () => {
    const { stdout } = cli("--help");
    for (const command of [
      "up",
      "trust",
      "identity",
      "vm",
      "configure",
      "verify",
      "ssh",
      "status",
      "destroy",
      "outputs",
    ])
      expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
  });
});

import { z } from "zod";
import { configSchema } from "../config/schema.js";
import type { CommandContext } from "../context.js";

/** Prints the config's JSON Schema, generated from the zod schema so the two cannot drift. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    title: "oidc-bridge config",
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
  };
}

export function configSchemaCommand(ctx: CommandContext): Promise<void> {
  ctx.io.stdout(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return Promise.resolve();
}

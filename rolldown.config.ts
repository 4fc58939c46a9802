import { defineConfig } from "rolldown";

// The CLI is bundled so that start-up reads a few files instead of hundreds (see `npm run
// bench:startup`). Only commander and zod are inlined: the cloud SDKs stay external, imported
// lazily by the commands that call a cloud.
const inlined = /^(commander|zod)(\/|$)/;

export default defineConfig({
  input: { main: "src/main.ts" },
  platform: "node",
  external: (id) => id.startsWith("node:") || (!id.startsWith(".") && !id.startsWith("/") && !inlined.test(id)),
  output: { dir: "dist", format: "esm", chunkFileNames: "chunks/[name]-[hash].js", sourcemap: true },
});

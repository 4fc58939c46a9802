import { defineConfig, type Plugin } from "rolldown";

// The CLI is bundled so that start-up reads a few files instead of hundreds (see `npm run
// bench:startup`). Only commander and zod are inlined: the cloud SDKs stay external, imported
// lazily by the commands that call a cloud.
const inlined = /^(commander|zod)(\/|$)/;

/**
 * Commander loads node:child_process (and with it net, dgram, stream) at start-up, only to spawn
 * stand-alone executable subcommands, which this CLI has none of. Load it when a spawn happens.
 */
function lazyChildProcess(): Plugin {
  const eager = "import childProcess from 'node:child_process';";
  return {
    name: "commander-lazy-child-process",
    transform: {
      filter: { id: /[\\/]commander[\\/]lib[\\/]command\.js$/ },
      handler(code) {
        if (!code.includes(eager)) this.error("commander no longer imports node:child_process as expected");
        return code.replace(
          eager,
          "const childProcess = { spawn: (...args) => globalThis.process.getBuiltinModule('node:child_process').spawn(...args) };",
        );
      },
    },
  };
}

export default defineConfig({
  input: { main: "src/main.ts" },
  platform: "node",
  external: (id) => id.startsWith("node:") || (!id.startsWith(".") && !id.startsWith("/") && !inlined.test(id)),
  plugins: [lazyChildProcess()],
  // CommonJS: require() of a file or a built-in costs less than an ES module import, whose loader
  // resolves, links and builds an ES facade for every built-in it names.
  output: {
    dir: "dist",
    format: "cjs",
    entryFileNames: "[name].cjs",
    chunkFileNames: "chunks/[name]-[hash].cjs",
    sourcemap: true,
  },
});

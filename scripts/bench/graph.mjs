// The resource graphs the CLI runs, taken from the source rather than restated here: `up`'s nodes
// and their `needs` (src/layers/index.ts), and destroy's reverse graph built from a state file's
// records (src/destroy/destroy-graph.ts). Bundled with rolldown into node_modules/.cache, where
// the bundle's bare imports resolve.
import { build } from "rolldown";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export async function loadGraphs(root) {
  const out = join(root, "node_modules", ".cache", "bench-graph");
  await build({
    cwd: root,
    input: { layers: "src/layers/index.ts", destroy: "src/destroy/destroy-graph.ts" },
    platform: "node",
    external: (id) => id.startsWith("node:") || (!id.startsWith(".") && !id.startsWith("/")),
    output: { dir: out, format: "esm", entryFileNames: "[name].mjs", chunkFileNames: "[name]-[hash].mjs" },
    logLevel: "warn",
  });
  const layers = await import(pathToFileURL(join(out, "layers.mjs")).href);
  const destroy = await import(pathToFileURL(join(out, "destroy.mjs")).href);
  return {
    /** `up`: every node of every built layer, as one graph. */
    up: () => layers.allNodes().map((n) => ({ id: n.id, needs: [...n.needs], key: n.id })),
    /** `destroy`: one node per record, needs reversed; `key` is the record's kind. */
    destroy: (records) =>
      destroy.destroyNodes(records, false).map((n, i) => ({ id: n.id, needs: [...n.needs], key: records[i].kind })),
  };
}

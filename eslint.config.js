import js from "@eslint/js";
import { dirname, join, relative, resolve, sep } from "node:path";
import tseslint from "typescript-eslint";

const SRC = join(import.meta.dirname, "src");
const SANDBOX = join(SRC, "sandbox");
const FRONT_DOOR = join(SANDBOX, "index.js");
const inside = (path, dir) => path === dir || path.startsWith(dir + sep);

/**
 * The sandbox is a separate program that happens to live in this repository: src/sandbox/ imports
 * nothing from the rest of src/, and the rest of src/ reaches it only through src/sandbox/index.js.
 * Checks every static, re-export, dynamic and type-position import, by resolved path, so neither
 * `../` depth nor `await import()` gets around it.
 */
const sandboxBoundary = {
  meta: {
    type: "problem",
    messages: {
      sandboxReachesOut:
        "src/sandbox/ must not import from the rest of src/: '{{source}}' resolves to {{target}}. Give the sandbox its own copy.",
      productReachesIn:
        "Import the sandbox only through its front door: '{{source}}' resolves to {{target}}; import src/sandbox/index.js instead.",
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    if (!inside(file, SRC)) return {};
    const fromSandbox = inside(file, SANDBOX);
    const check = (node, source) => {
      if (typeof source !== "string" || !(source.startsWith(".") || source.startsWith("/"))) return;
      const target = resolve(dirname(file), source);
      const shown = relative(import.meta.dirname, target);
      if (fromSandbox && !inside(target, SANDBOX)) {
        context.report({ node, messageId: "sandboxReachesOut", data: { source, target: shown } });
      } else if (!fromSandbox && inside(target, SANDBOX) && target !== FRONT_DOOR) {
        context.report({ node, messageId: "productReachesIn", data: { source, target: shown } });
      }
    };
    const fromSourceNode = (node) => node.source && check(node, node.source.value);
    return {
      ImportDeclaration: fromSourceNode,
      ExportAllDeclaration: fromSourceNode,
      ExportNamedDeclaration: fromSourceNode,
      ImportExpression: (node) => node.source.type === "Literal" && check(node, node.source.value),
      TSImportType: (node) => check(node, node.argument?.literal?.value ?? node.argument?.value),
    };
  },
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly" },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // Plain JavaScript is outside the TypeScript project: no type information to check with.
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // The launcher is CommonJS for start-up speed (see bin/oidc-bridge.cjs).
    files: ["bin/**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Core code reports through the Reporter, never straight to the console.
    files: ["src/**/*.ts"],
    rules: { "no-console": "error" },
  },
  {
    files: ["src/**/*.ts"],
    plugins: { local: { rules: { "sandbox-boundary": sandboxBoundary } } },
    rules: { "local/sandbox-boundary": "error" },
  },
);

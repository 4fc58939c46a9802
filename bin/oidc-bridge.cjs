#!/usr/bin/env node
"use strict";
// CommonJS on purpose: start-up time matters (`verify` runs from cron), and a CommonJS entry and
// bundle load faster than ES modules (see `npm run bench:startup`).
// Cache compiled code between runs, before the bundle is loaded, so that the bundle is cached.
require("node:module").enableCompileCache?.();
require("../dist/main.cjs")
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });

#!/usr/bin/env node
import { enableCompileCache } from "node:module";

// Start-up time matters (`verify` runs from cron): cache compiled code between runs.
enableCompileCache?.();
const { main } = await import("../dist/main.js");
process.exitCode = await main(process.argv);

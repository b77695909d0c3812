#!/usr/bin/env node
// The published entry point: runs the compiled CLI. Build it first with `npm run build`.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

// zstd compression runs on libuv's thread pool, which defaults to 4 threads; use every core.
process.env.UV_THREADPOOL_SIZE ??= String(availableParallelism());

const main = new URL("../lib/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(
    "chefer: the CLI is not built yet; run `npm run build` in the chefer checkout\n",
  );
  process.exit(70);
}
await import(main.href);

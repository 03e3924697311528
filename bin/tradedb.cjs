#!/usr/bin/env node
'use strict';
// CommonJS on purpose: libuv reads UV_THREADPOOL_SIZE once, when its thread
// pool starts, and the ESM loader starts it before an ESM entry's first line
// runs. DuckDB calls run on that pool; with the default 4 threads, four long
// reader queries starve every other query and all file I/O. 64 covers the
// default 50 readers plus the writer and file system work.
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

if (!process.env.UV_THREADPOOL_SIZE) {
  process.env.UV_THREADPOOL_SIZE = String(Math.max(64, os.availableParallelism() * 8));
}

const entry = path.join(__dirname, '..', 'dist', 'commands', 'main.js');
import(pathToFileURL(entry).href).then(
  (cli) => cli.main(),
  (error) => {
    process.stderr.write(`error: cannot load tradedb (${error.message}); run \`npm run build\`\n`);
    process.exit(70);
  },
);

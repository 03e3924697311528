'use strict';
// libuv reads UV_THREADPOOL_SIZE once, when its thread pool starts, and the
// ESM loader starts it before an ESM entry's first line runs: this must run
// from CommonJS, first. DuckDB calls run on that pool; with the default 4
// threads, four long reader queries starve every other query and all file
// I/O. 64 covers the default 50 readers plus the writer and the file system.
const os = require('node:os');

function sizeThreadPool() {
  if (!process.env.UV_THREADPOOL_SIZE) {
    process.env.UV_THREADPOOL_SIZE = String(Math.max(64, os.availableParallelism() * 8));
  }
}

module.exports = { sizeThreadPool };

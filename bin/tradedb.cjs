#!/usr/bin/env node
'use strict';
// CommonJS on purpose: see threadpool.cjs. Then the ES module CLI is import()ed.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered before any ES module loads: scripts ask this a lot.
  process.stdout.write(`${require('../package.json').version}\n`);
  return;
}
if (args.length === 1 && (args[0] === '--help' || args[0] === '-h') && !process.env.TRADEDB_RENDER_HELP) {
  // The top-level help, rendered by the CLI at build time (scripts/bundle-cli.mjs).
  try {
    process.stdout.write(require('node:fs').readFileSync(require('node:path').join(__dirname, '..', 'dist', 'cli', 'help.txt'), 'utf8'));
    return;
  } catch {
    // Not built with it: the CLI renders the help itself below.
  }
}
require('./threadpool.cjs').sizeThreadPool();

const path = require('node:path');
const { pathToFileURL } = require('node:url');

const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
import(pathToFileURL(entry).href).then(
  (cli) => cli.main(),
  (error) => {
    process.stderr.write(`error: cannot load tradedb (${error.message}); run \`npm run build\`\n`);
    process.exit(70);
  },
);

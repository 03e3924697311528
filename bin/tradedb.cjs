#!/usr/bin/env node
'use strict';
// CommonJS on purpose: see threadpool.cjs. Then the ES module CLI is import()ed.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered before any ES module loads: scripts ask this a lot.
  process.stdout.write(`${require('../package.json').version}\n`);
  return;
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

#!/usr/bin/env node
'use strict';
// CommonJS on purpose: see threadpool.cjs. Then the ES module CLI is import()ed.
require('./threadpool.cjs').sizeThreadPool();

const path = require('node:path');
const { pathToFileURL } = require('node:url');

const entry = path.join(__dirname, '..', 'dist', 'commands', 'main.js');
import(pathToFileURL(entry).href).then(
  (cli) => cli.main(),
  (error) => {
    process.stderr.write(`error: cannot load tradedb (${error.message}); run \`npm run build\`\n`);
    process.exit(70);
  },
);

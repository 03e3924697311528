#!/usr/bin/env node
'use strict';
// CommonJS on purpose: see threadpool.cjs. Then the ES module CLI is import()ed.
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const args = process.argv.slice(2);
const built = path.join(__dirname, '..', 'dist', 'cli');

// As the CLI does: a reader that left (`| head`) is fine, any other failed write is exit 74.
function print(text) {
  process.stdout.on('error', (error) => {
    if (error.code === 'EPIPE') return;
    // In the CLI's words: "no space left on device (ENOSPC)", not "ENOSPC: no space left on device, write".
    const reason = error.code
      ? `${error.message.replace(/^\w+: /, '').replace(/, \w+$/, '')} (${error.code})`
      : error.message;
    process.stderr.write(`error: cannot write to stdout: ${reason}\n`);
    process.exitCode = 74;
  });
  process.stdout.write(text);
}

// --version and --help are answered before any ES module loads: scripts ask them a lot.
function answerWithoutLoading() {
  if (args.length !== 1) return false;
  if (args[0] === '--version' || args[0] === '-V') {
    print(`${require('../package.json').version}\n`);
    return true;
  }
  if ((args[0] === '--help' || args[0] === '-h') && !process.env.TRADEDB_RENDER_HELP) {
    try {
      // Rendered by the CLI itself at build time (scripts/bundle-cli.mjs).
      print(fs.readFileSync(path.join(built, 'help.txt'), 'utf8'));
      return true;
    } catch {
      // Not built with it: the CLI renders the help.
    }
  }
  return false;
}

// `query order <id> --json` beside a live service: asked of its admin endpoint before the
// CLI, commander or DuckDB load (dist/cli/fast-query-order.cjs, from commands/cli/). It
// answers only when all is plain; otherwise (or on any error) the full CLI runs the command.
async function answerThroughServer() {
  // A first look, so that other commands do not even load the file: it decides the rest.
  const json = args.some((arg) => arg === '--json' || arg.startsWith('--format'));
  if (!json || !args.includes('query') || !args.includes('order')) return false;
  let fast;
  try {
    fast = require(path.join(built, 'fast-query-order.cjs'));
  } catch {
    return false; // not built with it
  }
  const text = await fast.fastQueryOrder(args, process.env, process.cwd());
  if (text === undefined) return false;
  print(text);
  return true;
}

function runCli() {
  require('./threadpool.cjs').sizeThreadPool();
  import(pathToFileURL(path.join(built, 'main.js')).href).then(
    (cli) => cli.main(),
    (error) => {
      process.stderr.write(`error: cannot load tradedb (${error.message}); run \`npm run build\`\n`);
      process.exit(70);
    },
  );
}

if (!answerWithoutLoading()) {
  answerThroughServer().then(
    (answered) => answered || runCli(),
    () => runCli(),
  );
}

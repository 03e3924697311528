#!/usr/bin/env node
// Runs npm scripts at the same time and fails if any fails: `npm test`'s
// type check and build are single-threaded tsc runs that need not wait for
// each other on a machine with two cores. Each script's output is held and
// printed whole when it ends, so the two never interleave.
//   node scripts/run-parallel.mjs typecheck build
import { spawn } from 'node:child_process';

const run = (script) =>
  new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('close', (code, signal) => {
      process.stderr.write(
        `> npm run ${script}: ${code === 0 ? 'ok' : `failed (${signal ?? `exit ${code}`})`}\n`,
      );
      process.stderr.write(Buffer.concat(output));
      resolve(code ?? 1);
    });
  });

const codes = await Promise.all(process.argv.slice(2).map(run));
process.exit(codes.find((code) => code !== 0) ?? 0);

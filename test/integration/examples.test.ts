import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, spawnNode } from '../helpers/bin.js';

// The examples as a user runs them (`npm run build`, then `npm run example:*`): built files,
// the package imported by its name. Each opens a temporary database and removes it.
async function runExample(name: string, args: string[] = []) {
  const finished = await spawnNode([path.join(ROOT, 'dist', 'examples', `${name}.js`), ...args], {
    cwd: ROOT,
  }).done;
  expect(finished.stderr).toBe('');
  expect(finished.code).toBe(0);
  return finished.stdout;
}

describe('examples/', () => {
  it('basic-usage: migrates, creates an order and records a fill that moves the position', async () => {
    expect(await runExample('basic-usage')).toBe(
      'order c-1: partially_filled, 4.00000000 of 10.00000000\nposition AAPL: 4.00000000 at 187.20000000\n',
    );
  });

  it('transactions: commits a fill atomically, rolls a failed one back, retries a write conflict', async () => {
    const out = await runExample('transactions');
    expect(out).toContain('1. atomic fill: order fill-1 filled\n   position MSFT: 5.00000000\n');
    expect(out).toMatch(/2\. rolled back: fill of 2\.00000000 would fill order .* past its quantity/);
    expect(out).toContain('order fill-2 stored: false');
    expect(out).toMatch(/3\. attempt 1: write conflict: /);
    expect(out).toMatch(/attempt [2-9]\d* committed: order fill-3 filled, 3\.00000000/);
  });

  it('batch-insert: appends the ticks it was asked for and prints the rate it reached', async () => {
    const out = await runExample('batch-insert', ['20000']);
    expect(out).toMatch(/^appended 20000 ticks in \d+\.\d\d s: \d+ rows\/s\n/);
    expect(out).toContain('latest AAPL tick: 2026-11-27T14:30:19.996001Z at ');
  });
});

describe("README's library section", () => {
  it('shows examples/basic-usage.ts exactly as the file is', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const example = fs.readFileSync(path.join(ROOT, 'examples', 'basic-usage.ts'), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
  });
});

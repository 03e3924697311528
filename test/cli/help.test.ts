import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

describe('help and docs', () => {
  it.each([[['query', 'orders', '--help']], [['backup', 'list', '--help']], [['seed', '--help']]])(
    '%j lists the global options',
    async (argv) => {
      const result = await cli(argv, { cwd: tempDir() });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Global Options:$/m);
      for (const flag of [
        '--json',
        '--format <format>',
        '--database <path>',
        '--wait <duration>',
        '--config <path>',
      ]) {
        expect(result.stdout).toContain(flag);
      }
    },
  );

  it("says in query ticks' and bars' help and in the README's filter table that --symbol is required", async () => {
    for (const command of ['ticks', 'bars']) {
      const result = await cli(['query', command, '--help'], { cwd: tempDir() });
      expect(result.stdout).toMatch(/--symbol <symbol> +the symbol \(required\)/);
    }
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('`--symbol` (required) `--exchange` (ticks, bars');
  });

  it("names the sections stats prints in the README's stats line", async () => {
    const cwd = tempDir();
    const database = path.join(cwd, 'trading.duckdb');
    expect((await cli(['migrate', 'up', '--database', database], { cwd })).code).toBe(0);
    const stats = await cli(['stats', '--json', '--database', database], { cwd });
    expect(stats.code, stats.stderr).toBe(0);
    const line = fs
      .readFileSync(path.join(ROOT, 'README.md'), 'utf8')
      .split('\n')
      .find((text) => text.startsWith('tradedb stats  '))!;
    for (const section of Object.keys(JSON.parse(stats.stdout))) expect(line).toContain(section);
  });
});

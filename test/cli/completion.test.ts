import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

async function script(shell: string): Promise<string> {
  const result = await cli(['completion', shell], { cwd: tempDir() });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

/**
 * Completes `words` (the last one being typed) in a real bash: sources the
 * script, sets COMP_WORDS and COMP_CWORD as bash does for Tab, and prints
 * COMPREPLY.
 */
function complete(file: string, words: string[]): string[] {
  const quoted = words.map((word) => `'${word}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '--norc',
      '-c',
      `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _tradedb; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

describe('tradedb completion', () => {
  it('bash: registers _tradedb and completes subcommands, options and values', async () => {
    const file = path.join(tempDir(), 'tradedb.bash');
    fs.writeFileSync(file, await script('bash'));
    const registered = execFileSync('bash', ['--norc', '-c', `source '${file}'; complete -p tradedb`], {
      encoding: 'utf8',
    });
    expect(registered.trim()).toBe('complete -o default -F _tradedb tradedb');
    expect(complete(file, ['tradedb', ''])).toEqual(
      expect.arrayContaining(['query', 'backup', 'completion']),
    );
    expect(complete(file, ['tradedb', 'backup', 'l'])).toEqual(['list']);
    expect(complete(file, ['tradedb', 'query', 'orders', '--st'])).toEqual(['--status']);
    expect(complete(file, ['tradedb', 'query', 'orders', '--status', 'op'])).toEqual(['open']);
    expect(complete(file, ['tradedb', '--json', 'query', 'trades', '--side', ''])).toEqual(['buy', 'sell']);
    expect(complete(file, ['tradedb', 'query', 'bars', '--interval', '1'])).toEqual([
      '1m',
      '15m',
      '1h',
      '1d',
    ]);
    expect(complete(file, ['tradedb', '--format', 'js'])).toEqual(['json']);
    expect(complete(file, ['tradedb', 'backup', '--method', ''])).toEqual(['file', 'export']);
    expect(complete(file, ['tradedb', 'import', ''])).toEqual(['ticks', 'orders', 'trades']);
    // Global options are offered after a subcommand too; --no-color takes no value.
    expect(complete(file, ['tradedb', 'query', 'orders', '--js'])).toEqual(['--json']);
    expect(complete(file, ['tradedb', '--no-color', 'qu'])).toEqual(['query']);
  });

  it('zsh: the bash completion through bashcompinit', async () => {
    const text = await script('zsh');
    expect(text).toMatch(/^#compdef tradedb\n/);
    expect(text).toContain('autoload -U +X bashcompinit && bashcompinit');
    expect(text).toContain('complete -o default -F _tradedb tradedb');
  });

  it('fish: complete lines per subcommand path, with option values', async () => {
    const text = await script('fish');
    expect(text).toContain(
      `complete -c tradedb -f -n 'test (__tradedb_path) = "backup"' -a "list verify prune"`,
    );
    expect(text).toContain(
      `complete -c tradedb -n 'test (__tradedb_path) = "query orders"' -l status -x -a "pending open partially_filled filled cancelled rejected expired"`,
    );
    expect(text).toContain('complete -c tradedb -l format -x -a "table json ndjson csv"');
    expect(text).toMatch(/^complete -c tradedb -l no-color$/m);
  });

  it('refuses another shell with exit 64 and a suggestion', async () => {
    const result = await cli(['completion', 'bsh'], { cwd: tempDir() });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('hint: did you mean bash?');
  });
});

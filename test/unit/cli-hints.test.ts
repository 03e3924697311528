import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_HINTS, cliHint } from '../../commands/cli/hints.js';
import { reportError } from '../../commands/cli/report-error.js';
import { DatabaseLockedError, NotFoundError, QueryTimeoutError } from '../../src/index.js';
import { ROOT } from '../helpers/bin.js';
import { Capture } from '../helpers/cli.js';

/** Every `hint: '...'` (or template) written in a file of src/. */
function hintsIn(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/hint:\s*(['`])((?:\\.|(?!\1).)*)\1/g)].map((match) => match[2]!);
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

const FLAG = /(^|[\s(`])--[a-z]/;
const SUBCOMMAND =
  /tradedb (init|migrate|backup|restore|query|seed|import|export-partitions|partitions|stats|config|demo|bench|completion)\b/;

/** The parsers of the CLI's own flag syntax (`--where`, `--order-by`, `--param`): their hints are about those flags. */
const FLAG_SYNTAX_PARSERS = new Set(['src/query/parse-where.ts', 'src/query/ad-hoc.ts']);

describe('error hints: the library speaks to a service, the CLI names its flags', () => {
  it('no library hint names a CLI flag or subcommand (outside the parsers of flag syntax)', () => {
    const offending = filesUnder(path.join(ROOT, 'src'))
      .filter((file) => !FLAG_SYNTAX_PARSERS.has(path.relative(ROOT, file)))
      .flatMap((file) =>
        hintsIn(file)
          .filter((hint) => FLAG.test(hint) || SUBCOMMAND.test(hint))
          .map((hint) => `${path.relative(ROOT, file)}: ${hint}`),
      );
    expect(offending).toEqual([]);
  });

  it('the CLI words each remedy with its flags, and keeps the library hint where no remedy is named', () => {
    const locked = new DatabaseLockedError('database x is locked', 42, {
      hint: 'wait, or raise pool.lock_wait_ms',
      fix: 'wait-for-lock',
    });
    expect(cliHint(locked)).toBe(CLI_HINTS['wait-for-lock']);
    expect(cliHint(locked)).toContain('--wait');
    expect(cliHint(new QueryTimeoutError('too slow', { hint: 'narrow it' }))).toBe('narrow it');
  });

  it('prints the CLI wording on stderr and in the JSON object', async () => {
    const stderr = new Capture();
    const code = await reportError(
      new NotFoundError('no database at /x', { hint: 'create it', fix: 'create-database' }),
      { stdout: new Capture(), stderr, env: {}, cwd: ROOT },
      { verbose: false, json: true },
    );
    expect(code).toBe(66);
    expect(stderr.text).toContain(`hint: ${CLI_HINTS['create-database']}`);
    const json = JSON.parse(stderr.text.split('\n').find((line) => line.startsWith('{'))!);
    expect(json.error).toEqual({
      code: 'NOT_FOUND',
      message: 'no database at /x',
      hint: CLI_HINTS['create-database'],
      retryable: false,
    });
  });
});

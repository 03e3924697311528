import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/** The `{"error":...}` object: the last line of stderr. */
function jsonError(stderr: string): { code: string; message: string; hint?: string } {
  return JSON.parse(stderr.trimEnd().split('\n').at(-1)!).error;
}

describe('parse errors under --json', () => {
  it.each([
    [['query', 'orders', '--simbol', 'X', '--json'], /unknown option '--simbol'/, 'did you mean --symbol?'],
    [['query', 'orders', '--json', '--format', 'jsn'], /argument 'jsn' is invalid/, 'did you mean json?'],
    [['--json', 'quer'], /unknown command 'quer'/, 'did you mean query?'],
    [['query', 'order', '--format', 'json'], /missing required argument 'id'/, undefined],
    [['query', 'orders', '--limit', '--json'], /--limit/, undefined],
  ])('%j prints the error object on stderr and exits 64', async (argv, message, hint) => {
    const result = await cli(argv, { cwd: tempDir() });
    expect(result.code).toBe(64);
    expect(result.stdout).toBe('');
    const error = jsonError(result.stderr);
    expect(error.code).toBe('USAGE');
    expect(error.message).toMatch(message);
    if (hint) expect(error.hint).toContain(hint);
  });

  it('prints no object without --json', async () => {
    const result = await cli(['query', 'orders', '--simbol', 'X'], { cwd: tempDir() });
    expect(result.code).toBe(64);
    expect(result.stderr).toBe("error: unknown option '--simbol'\nhint: did you mean --symbol?\n");
  });
});

describe('one suggestion style: hint: did you mean X?', () => {
  it.each([
    [
      ['backup', 'lst'],
      "error: unknown command 'backup lst'",
      'hint: did you mean list? see tradedb backup --help',
    ],
    [['quer'], "error: unknown command 'quer'", 'hint: did you mean query? see tradedb --help'],
    [['frobnicate'], "error: unknown command 'frobnicate'", 'hint: see tradedb --help for its commands'],
    [
      ['query', 'ordrs'],
      "error: unknown command 'ordrs'",
      'hint: did you mean orders? see tradedb query --help',
    ],
    [
      ['query', 'orders', '--simbol', 'X'],
      "error: unknown option '--simbol'",
      'hint: did you mean --symbol?',
    ],
    [['backup', '--method', 'fil'], "argument 'fil' is invalid", 'hint: did you mean file?'],
    [['import', 'tick', 'x.csv'], "'tick' is invalid for argument 'kind'", 'hint: did you mean ticks?'],
  ])('%j', async (argv, message, hint) => {
    const result = await cli(argv, { cwd: tempDir() });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(hint);
    expect(result.stderr).not.toMatch(/Did you mean|\(did you mean/);
  });

  it('suggests the enum value without an odd "=:" in the message', async () => {
    const cwd = tempDir();
    const result = await cli(['query', 'orders', '--status', 'opne', '--database', `${cwd}/x.duckdb`], {
      cwd,
    });
    expect(result.code).toBe(64);
    expect(result.stderr).toBe(
      'error: --status "opne": orders.status: "opne" is not one of pending, open, partially_filled, filled, cancelled, rejected, expired\nhint: did you mean open?\n',
    );
  });

  it('suggests a column in the same words', async () => {
    const cwd = tempDir();
    const result = await cli(['query', 'orders', '--where', 'prise>1', '--database', `${cwd}/x.duckdb`], {
      cwd,
    });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/^hint: did you mean price\? columns: /m);
  });
});

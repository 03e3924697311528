import { describe, expect, it } from 'vitest';
import type { BackupManifest } from '../../src/admin.js';
import { manifestText, parseManifest } from '../../src/backup/manifest.js';
import { IntegrityError } from '../../src/index.js';

const SHA = 'a'.repeat(64);

function sound(): BackupManifest {
  return {
    format: 'tradedb-backup/1',
    method: 'file',
    created_at: '2026-01-02T03:04:05.678Z',
    tool_version: '0.1.0',
    duckdb_version: 'v1.5.6',
    storage_version: 'v1.0.0+',
    storage_version_number: 64,
    schema_version: '003',
    source_path: '/srv/trading.duckdb',
    tables: { orders: 3, 'other.t': 0 },
    files: [{ path: 'database.duckdb', size_bytes: 12288, sha256: SHA }],
  };
}

function reason(edit: (manifest: Record<string, unknown>) => void): string {
  const manifest = sound() as unknown as Record<string, unknown>;
  edit(manifest);
  try {
    parseManifest(JSON.stringify(manifest), '/b/manifest.json');
  } catch (error) {
    expect(error).toBeInstanceOf(IntegrityError);
    return (error as Error).message;
  }
  throw new Error('parsed');
}

describe('parseManifest', () => {
  it('reads back what manifestText wrote', () => {
    expect(parseManifest(manifestText(sound()), 'm.json')).toEqual(sound());
  });

  it('names the manifest and the problem for text that is not a manifest', () => {
    expect(() => parseManifest('{"files": [', '/b/manifest.json')).toThrow(
      /corrupt backup manifest \/b\/manifest\.json: not valid JSON/,
    );
    expect(() => parseManifest('[]', '/b/manifest.json')).toThrow(/not a JSON object/);
  });

  it.each([
    ['an unknown format', (m: Record<string, unknown>) => (m['format'] = 'other/9'), /format is "other\/9"/],
    ['an unknown method', (m: Record<string, unknown>) => (m['method'] = 'tape'), /method is "tape"/],
    [
      'a missing field',
      (m: Record<string, unknown>) => delete m['duckdb_version'],
      /duckdb_version is missing/,
    ],
    [
      'a bad time',
      (m: Record<string, unknown>) => (m['created_at'] = 'yesterday'),
      /created_at is not a time/,
    ],
    ['a negative count', (m: Record<string, unknown>) => (m['tables'] = { orders: -1 }), /row counts/],
    ['no files', (m: Record<string, unknown>) => (m['files'] = []), /files is missing or empty/],
    [
      'a path leaving the folder',
      (m: Record<string, unknown>) => (m['files'] = [{ path: '../x', size_bytes: 1, sha256: SHA }]),
      /bad file path "\.\.\/x"/,
    ],
    [
      'the manifest listing itself',
      (m: Record<string, unknown>) => (m['files'] = [{ path: 'manifest.json', size_bytes: 1, sha256: SHA }]),
      /bad file path/,
    ],
    [
      'a file listed twice',
      (m: Record<string, unknown>) =>
        (m['files'] = [
          { path: 'a', size_bytes: 1, sha256: SHA },
          { path: 'a', size_bytes: 1, sha256: SHA },
        ]),
      /a is listed twice/,
    ],
    [
      'a short sha256',
      (m: Record<string, unknown>) => (m['files'] = [{ path: 'a', size_bytes: 1, sha256: 'abc' }]),
      /sha256 of a is not a sha256/,
    ],
  ])('refuses %s', (_what, edit, message) => {
    expect(reason(edit)).toMatch(message);
  });
});

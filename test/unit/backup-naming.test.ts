import { describe, expect, it } from 'vitest';
import {
  BACKUP_NAME,
  backupName,
  formatAge,
  parseTempName,
  previousName,
  restoreTempName,
  restoreTempPid,
  stampOf,
  tempName,
} from '../../src/backup/naming.js';
import { storageNumberOf } from '../../src/backup/storage-version.js';

describe('backup folder names', () => {
  const at = new Date('2026-11-27T08:09:10.011Z');

  it('are the UTC time to the millisecond and the method, with a suffix for a second one', () => {
    expect(stampOf(at)).toBe('20261127T080910.011Z');
    expect(backupName(at, 'file')).toBe('20261127T080910.011Z-file');
    expect(backupName(at, 'export', 2)).toBe('20261127T080910.011Z-export-2');
    expect(BACKUP_NAME.test(backupName(at, 'export', 2))).toBe(true);
    // Names sort in time order as plain strings.
    expect([backupName(new Date('2026-11-28T00:00:00Z'), 'file'), backupName(at, 'file')].sort()[0]).toBe(
      backupName(at, 'file'),
    );
  });

  it('mark temporary folders with a dot and the owner pid', () => {
    const name = tempName('backup', `${stampOf(at)}-file`);
    expect(name.startsWith('.tmp-backup-20261127T080910.011Z-file-')).toBe(true);
    expect(parseTempName(name)).toEqual({
      kind: 'backup',
      label: '20261127T080910.011Z-file',
      pid: process.pid,
    });
    expect(parseTempName(tempName('prune', '20261127T080910.011Z-file-2'))?.label).toBe(
      '20261127T080910.011Z-file-2',
    );
    expect(parseTempName('.tmp-other-x-1-abcdef01')).toBeUndefined();
    expect(parseTempName('20261127T080910.011Z-file')).toBeUndefined();
  });

  it('mark temporary restore databases next to their target, with their .wal and .tmp', () => {
    const name = restoreTempName('trading.duckdb');
    expect(restoreTempPid(name, 'trading.duckdb')).toBe(process.pid);
    expect(restoreTempPid(`${name}.wal`, 'trading.duckdb')).toBe(process.pid);
    expect(restoreTempPid(`${name}.tmp`, 'trading.duckdb')).toBe(process.pid);
    expect(restoreTempPid(name, 'other.duckdb')).toBeUndefined();
    expect(restoreTempPid('trading.duckdb', 'trading.duckdb')).toBeUndefined();
    expect(previousName('trading.duckdb', at)).toBe('trading.duckdb.pre-restore-20261127T080910.011Z');
  });

  it('show ages briefly', () => {
    expect([0, 59, 60, 3599, 3600, 86_399, 86_400, 864_000].map(formatAge)).toEqual([
      '0s',
      '59s',
      '1m',
      '59m',
      '1h',
      '23h',
      '1d',
      '10d',
    ]);
  });
});

describe('storageNumberOf', () => {
  it('reads the version after the DUCK magic, and nothing from other files', () => {
    const head = Buffer.alloc(64);
    head.write('DUCK', 8, 'latin1');
    head.writeBigUInt64LE(67n, 12);
    expect(storageNumberOf(head)).toBe(67);
    expect(storageNumberOf(Buffer.from('PAR1 not a database at all, no magic here'))).toBeUndefined();
    expect(storageNumberOf(Buffer.alloc(10))).toBeUndefined();
  });
});

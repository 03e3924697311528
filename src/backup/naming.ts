import crypto from 'node:crypto';

/**
 * Names in the backup folder. A backup is `<UTC time to the ms>-<method>`
 * (`20260102T030405.678Z-file`, then `-2`, `-3` for more in the same ms).
 * Work in progress lives in folders starting with `.tmp-` that carry the
 * owner's pid: they are never backups, and a later run removes the ones
 * whose process is gone.
 */
export const BACKUP_NAME = /^(\d{8}T\d{6}\.\d{3}Z)-(file|export)(?:-(\d+))?$/;

const TEMP_NAME = /^\.tmp-(backup|verify|prune)-(.+)-(\d+)-[0-9a-f]{8}$/;

export type TempKind = 'backup' | 'verify' | 'prune';

/** `2026-01-02T03:04:05.678Z` -> `20260102T030405.678Z`: sortable and safe in any file name. */
export function stampOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

/** The folder name of a backup; `attempt` > 1 adds a suffix for a second backup in the same ms. */
export function backupName(date: Date, method: string, attempt = 1): string {
  return attempt === 1 ? `${stampOf(date)}-${method}` : `${stampOf(date)}-${method}-${attempt}`;
}

export function tempName(kind: TempKind, label: string): string {
  return `.tmp-${kind}-${label}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
}

export interface TempInfo {
  kind: TempKind;
  label: string;
  pid: number;
}

export function parseTempName(name: string): TempInfo | undefined {
  const match = TEMP_NAME.exec(name);
  if (!match) return undefined;
  return { kind: match[1] as TempKind, label: match[2]!, pid: Number(match[3]) };
}

/** The temporary database built next to a restore target: `.<name>.restore-<pid>-<random>`. */
export function restoreTempName(targetBase: string): string {
  return `.${targetBase}.restore-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
}

/** The pid in a restore temp file name (or its `.wal` / `.tmp`), if it is one for `targetBase`. */
export function restoreTempPid(name: string, targetBase: string): number | undefined {
  const prefix = `.${targetBase}.restore-`;
  if (!name.startsWith(prefix)) return undefined;
  const match = /^(\d+)-[0-9a-f]{8}(?:\.wal|\.tmp)?$/.exec(name.slice(prefix.length));
  return match ? Number(match[1]) : undefined;
}

/** `<db>.pre-restore-<stamp>`: where restore keeps the database it replaced. */
export function previousName(targetBase: string, date: Date): string {
  return `${targetBase}.pre-restore-${stampOf(date)}`;
}

/** Seconds as a short age: `45s`, `12m`, `3h`, `2d`. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

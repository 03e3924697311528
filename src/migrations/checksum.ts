import { createHash } from 'node:crypto';

/** Recorded beside every checksum, so that a later change of rules is detectable. */
export const CHECKSUM_ALGORITHM = 'sha256-normalized-v1';

/**
 * Re-saving a file with CRLF line ends, trailing spaces or extra blank lines
 * at the end is not a change; anything else is.
 */
export function normalizeMigrationText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v]+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}

export function migrationChecksum(text: string): string {
  return createHash('sha256').update(normalizeMigrationText(text), 'utf8').digest('hex');
}

import { createHash } from 'node:crypto';

/**
 * A UUID derived from its parts (seed, batch, kind, index): the same parts
 * always give the same id, and ids of different batches never collide.
 * Formatted as a version-4 UUID so that any UUID parser accepts it.
 */
export function deterministicUuid(...parts: (string | number)[]): string {
  const bytes = createHash('sha256').update(parts.join('\u0000')).digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

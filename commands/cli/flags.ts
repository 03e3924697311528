import type { Library } from './library.js';

/**
 * Runs a library parser on command-line input. The library reports bad
 * input as a ValidationError (65, bad data); on the command line the same
 * mistake is a bad argument (64), so it is rethrown as a UsageError that
 * names the flag.
 */
export function asUsage<T>(lib: Library, label: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof lib.ValidationError)) throw error;
    const message = error.message.startsWith(label) ? error.message : `${label}: ${error.message}`;
    throw new lib.UsageError(message, { hint: error.hint, cause: error });
  }
}

/**
 * A flag's integer at least `minimum` (and at most `maximum`, when given),
 * or undefined when absent; anything else is a usage error (64).
 */
export function integerFlag(
  lib: Library,
  text: string | undefined,
  flag: string,
  minimum: number,
  maximum = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < minimum) {
    const expected =
      minimum === 0
        ? 'a non-negative integer'
        : minimum === 1
          ? 'a positive integer'
          : `an integer >= ${minimum}`;
    throw new lib.UsageError(`${flag} "${text}": expected ${expected}`);
  }
  if (value > maximum) throw new lib.UsageError(`${flag} "${text}": at most ${maximum}`);
  return value;
}

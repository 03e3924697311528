import { closest, distance } from 'fastest-levenshtein';

/**
 * The candidate a typo most likely meant, or undefined when none is close
 * enough (more than a third of the word, and at least two edits, away).
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const guess = closest(input, [...candidates]);
  return distance(input, guess) <= Math.max(2, Math.floor(input.length / 3)) ? guess : undefined;
}

/**
 * The one suggestion wording of the project, for commands, options, enum
 * values and columns alike: `did you mean open?` (printed after `hint: `).
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const guess = closestName(input, candidates);
  return guess === undefined ? undefined : `did you mean ${guess}?`;
}

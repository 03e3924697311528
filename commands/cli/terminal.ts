import type { CliIo } from './io.js';

/**
 * The one place that decides interactivity: colour, progress and prompts
 * all ask it.
 */
export interface Terminal {
  /** Colour on stdout and stderr. */
  color: boolean;
  /** Progress bars and live views on stderr. */
  progress: boolean;
  /** A person can answer a yes/no question. */
  canPrompt: boolean;
  /**
   * Width for tables and records: the terminal's when stdout is one, else
   * COLUMNS when set (as `ls` does), else unknown: nothing is fitted.
   */
  columns: number | undefined;
}

export function detectTerminal(io: CliIo, options: { color?: boolean; quiet?: boolean }): Terminal {
  const env = io.env;
  const dumb = env['TERM'] === 'dumb';
  const ci = isSet(env['CI']);
  const stdoutTTY = io.stdout.isTTY === true;
  const stderrTTY = io.stderr.isTTY === true;
  const stdinTTY = (io.stdin as { isTTY?: boolean } | undefined)?.isTTY === true;
  return {
    color: decideColor(env, options.color !== false, stdoutTTY && !dumb),
    progress: stderrTTY && !dumb && !options.quiet && !ci,
    canPrompt: stdinTTY && stderrTTY && !ci && io.confirm !== undefined,
    columns: (stdoutTTY ? io.stdout.columns : undefined) ?? columnsFromEnv(env['COLUMNS']),
  };
}

/** --no-color and NO_COLOR win; FORCE_COLOR forces; otherwise only a real terminal gets colour. */
function decideColor(env: CliIo['env'], flagAllows: boolean, terminal: boolean): boolean {
  if (!flagAllows || isSet(env['NO_COLOR'])) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return terminal;
}

function columnsFromEnv(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && /^\d+$/.test(text) && value > 0 ? value : undefined;
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

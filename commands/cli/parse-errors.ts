import type { Command, CommanderError } from 'commander';
import type { Library } from './library.js';

/** What commander reports without an error: help and version output. */
const NOT_ERRORS = new Set(['commander.help', 'commander.helpDisplayed', 'commander.version']);

export interface ParseError {
  message: string;
  hint: string | undefined;
}

/**
 * A commander parse error in the CLI's own words: the message without its
 * `error: ` prefix, and a hint in the one suggestion style of the project
 * (`did you mean list?`), so that it prints like every other error and
 * becomes the `{"error":...}` object under --json. Undefined for help and
 * version, which commander also reports by throwing.
 */
export function parseErrorOf(
  lib: Library,
  error: CommanderError,
  program: Command,
  argv: readonly string[],
): ParseError | undefined {
  if (NOT_ERRORS.has(error.code)) return undefined;
  const [first = '', ...rest] = error.message.replace(/^error: /, '').split('\n');
  // commander appends its own suggestion as "(Did you mean x?)": reworded, not repeated.
  const commanderGuess = rest.join(' ').match(/\(Did you mean (.+)\?\)/)?.[1];
  const guessHint = commanderGuess === undefined ? undefined : `did you mean ${commanderGuess}?`;
  switch (error.code) {
    case 'commander.unknownCommand': {
      const path = commandPath(deepestNamed(program, argv));
      return {
        message: first,
        hint: [guessHint, `see ${path} --help for its commands`].filter(Boolean).join(' '),
      };
    }
    case 'commander.excessArguments':
      return unknownSubcommand(lib, first, program, argv) ?? { message: first, hint: guessHint };
    case 'commander.invalidArgument':
      return { message: first, hint: choiceHint(lib, first) ?? guessHint };
    default:
      return { message: first, hint: guessHint };
  }
}

/**
 * `backup lst`: a command with subcommands and an action of its own takes
 * `lst` as an extra argument. The operator meant a subcommand: say so.
 */
function unknownSubcommand(
  lib: Library,
  message: string,
  program: Command,
  argv: readonly string[],
): ParseError | undefined {
  const name = message.match(/for '([^']+)'/)?.[1];
  const command = name === undefined ? undefined : findCommand(program, name);
  if (command === undefined || command.commands.length === 0) return undefined;
  const at = argv.indexOf(name!);
  const typed = argv.slice(at + 1).find((arg) => !arg.startsWith('-'));
  if (typed === undefined) return undefined;
  const names = command.commands.map((sub) => sub.name());
  const path = commandPath(command);
  const relative = path.split(' ').slice(1).join(' ');
  const suggestion = lib.didYouMean(typed, names);
  return {
    message: `unknown command '${relative} ${typed}'`,
    hint: [suggestion, `see ${path} --help for its commands: ${names.join(', ')}`].filter(Boolean).join(' '),
  };
}

/** `argument 'jsn' is invalid. Allowed choices are table, json, ndjson, csv.` -> did you mean json? */
function choiceHint(lib: Library, message: string): string | undefined {
  const value = message.match(/'([^']*)' is invalid/)?.[1];
  const choices = message.match(/Allowed choices are (.+)\.$/)?.[1]?.split(', ');
  if (value === undefined || choices === undefined) return undefined;
  return lib.didYouMean(value, choices);
}

function findCommand(command: Command, name: string): Command | undefined {
  for (const sub of command.commands) {
    if (sub.name() === name) return sub;
    const found = findCommand(sub, name);
    if (found) return found;
  }
  return undefined;
}

/** The last command named on the command line: `query` in `tradedb query ordrs`. */
function deepestNamed(program: Command, argv: readonly string[]): Command {
  let command = program;
  for (const arg of argv) {
    const sub = command.commands.find((candidate) => candidate.name() === arg);
    if (sub) command = sub;
  }
  return command;
}

/** `tradedb backup` for the backup command. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

import type { Command } from 'commander';
import type { Library } from '../cli/library.js';

/** What a shell can complete after `tradedb <path>`. */
export interface CompletionNode {
  /** Subcommand names from the top: '' for tradedb itself, 'query orders'. */
  path: string;
  subcommands: string[];
  options: CompletionOption[];
  /** Values of the first positional argument when it is a closed set (import <kind>). */
  argumentValues: string[];
}

export interface CompletionOption {
  flag: string;
  takesValue: boolean;
  values: string[];
}

/**
 * Values of options that the library checks rather than commander (enum
 * columns and fixed sets): completed like commander's choices.
 */
function libraryValues(lib: Library): Record<string, readonly string[]> {
  return {
    '--status': lib.ORDER_STATUSES,
    '--side': lib.ORDER_SIDES,
    '--interval': lib.BAR_INTERVALS,
    '--table': lib.PARTITIONED_TABLES,
  };
}

/** The completion model of a fully loaded command tree, every command once. */
export function completionNodes(program: Command, lib: Library): CompletionNode[] {
  const known = libraryValues(lib);
  const nodes: CompletionNode[] = [];
  const visit = (command: Command, path: string) => {
    nodes.push({
      path,
      subcommands: command.commands.map((sub) => sub.name()),
      options: [
        ...command.options.map((option) => ({
          flag: option.long ?? option.short ?? '',
          takesValue: option.required || option.optional,
          values: [...(option.argChoices ?? known[option.long ?? ''] ?? [])],
        })),
        { flag: '--help', takesValue: false, values: [] },
      ].filter((option) => option.flag !== ''),
      argumentValues: [...(command.registeredArguments[0]?.argChoices ?? [])],
    });
    for (const sub of command.commands) visit(sub, path === '' ? sub.name() : `${path} ${sub.name()}`);
  };
  visit(program, '');
  return nodes;
}

import { Argument, Command } from 'commander';
import { action, type CliScope } from '../cli/action.js';
import { completionNodes } from './model.js';
import { bashScript, fishScript, zshScript } from './scripts.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

/**
 * `tradedb completion bash|zsh|fish`: prints a completion script for every
 * subcommand, option and closed set of values, read from the commands
 * themselves so it cannot drift from them.
 */
export function makeCompletionCommand(scope: CliScope): Command {
  return new Command('completion')
    .description('print a shell completion script (bash, zsh or fish) for subcommands, options and values')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      `
Install:
  bash  tradedb completion bash > ~/.local/share/bash-completion/completions/tradedb
  zsh   tradedb completion zsh > "\${fpath[1]}/_tradedb"
  fish  tradedb completion fish > ~/.config/fish/completions/tradedb.fish
Or for the current shell only: source <(tradedb completion bash)`,
    )
    .action(
      action(scope, async (ctx, _flags, [shell]) => {
        // Every command in full (the program built for this run has stand-ins for the others).
        const { buildFullProgram } = await import('../cli/main.js');
        const nodes = completionNodes(await buildFullProgram(scope), await ctx.library());
        const script =
          shell === 'bash' ? bashScript(nodes) : shell === 'zsh' ? zshScript(nodes) : fishScript(nodes);
        await ctx.out.write(script);
        return undefined;
      }),
    );
}

import { Command } from 'commander';
import { action, type CliScope } from '../action.js';
import { migrationsDir } from './runner.js';

/** `tradedb migrate create <name>`: the next numbered file, with both sections. */
export function makeMigrateCreateCommand(scope: CliScope): Command {
  return new Command('create')
    .description('write the next numbered migration file with empty up and down sections')
    .argument('<name>', 'what it does, e.g. add_fee_currency')
    .action(
      action(scope, async (ctx, _options, [name]) => {
        const { MigrationRunner } = await ctx.library();
        const directory = migrationsDir(ctx);
        const created = directory ? MigrationRunner.create(name!, directory) : MigrationRunner.create(name!);
        const renderer = await ctx.renderer();
        if (renderer.format === 'table') await ctx.out.write(`${created.file}\n`);
        else await renderer.object(created);
        return undefined;
      }),
    );
}

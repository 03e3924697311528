import { Command } from 'commander';
import { action, type CliScope } from '../cli/action.js';
import { migrationsDir } from './runner.js';

const HINT =
  'fill its "-- migrate:up" section, then `tradedb migrate up`; until then status lists it as pending';

/** `tradedb migrate create <name>`: the next numbered file, with both sections. */
export function makeMigrateCreateCommand(scope: CliScope): Command {
  return new Command('create')
    .description("write the next numbered migration file into the project's migrations folder")
    .argument('<name>', 'what it does, e.g. add_fee_currency')
    .action(
      action(scope, async (ctx, _options, [name]) => {
        const { MigrationRunner, DEFAULT_MIGRATIONS_DIR } = await ctx.library();
        const directory = migrationsDir(ctx);
        // Into the project's folder, numbered after tradedb's schema and the project's own; never into the package.
        const created = directory
          ? MigrationRunner.create(name!, directory)
          : MigrationRunner.create(
              name!,
              (await ctx.config()).config.migrations.directory,
              DEFAULT_MIGRATIONS_DIR,
            );
        const renderer = await ctx.renderer();
        if (renderer.format === 'table') await ctx.out.write(`${created.file}\n`);
        else await renderer.object(created);
        ctx.info(`hint: ${HINT}`);
        return undefined;
      }),
    );
}

import { Command } from 'commander';
import type { MigrationStatus } from '../../src/index.js';
import { action, type CliScope } from '../cli/action.js';
import { resultSet } from '../render/rows.js';
import { callMigrateRoute } from './runner.js';

/** `tradedb migrate status [--exit-code]`: every migration and its state, by version. */
export function makeMigrateStatusCommand(scope: CliScope): Command {
  return new Command('status')
    .description('list every migration: version, name, state, applied_at')
    .option('--exit-code', 'exit 3 when migrations are pending')
    .addHelpText(
      'after',
      '\nStates: applied, pending, changed (edited after applying), missing (file gone), out-of-order.',
    )
    .action(
      action<{ exitCode?: boolean }>(scope, async (ctx, options) => {
        const statuses = await callMigrateRoute<MigrationStatus[]>(ctx, 'migrate/status', {}, (runner) =>
          runner.status(),
        );
        const renderer = await ctx.renderer();
        await renderer.list(resultSet(['version', 'name', 'state', 'checksum', 'applied_at'], statuses));
        const pending = statuses.filter(
          (status) => status.state === 'pending' || status.state === 'out-of-order',
        );
        for (const status of statuses.filter((item) => item.empty)) {
          ctx.warn(
            `${status.file}: its "-- migrate:up" section is still empty; \`migrate up\` refuses it until filled`,
          );
        }
        if (pending.length > 0) ctx.info(`${pending.length} pending; run \`tradedb migrate up\``);
        return options.exitCode && pending.length > 0 ? 3 : undefined;
      }),
    );
}

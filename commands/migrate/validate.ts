import path from 'node:path';
import { Command } from 'commander';
import type { MigrationStatus } from '../../src/index.js';
import { action, type CliScope } from '../cli/action.js';
import { resultSet } from '../render/rows.js';
import { callMigrateRoute } from './runner.js';

/** `tradedb migrate validate`: exit 65 when applied migrations were edited, lost or skipped. */
export function makeMigrateValidateCommand(scope: CliScope): Command {
  return new Command('validate')
    .description('check the files against the ledger: exit 65 on edited, missing or out-of-order migrations')
    .action(
      action(scope, async (ctx) => {
        const { IntegrityError, describeDrift } = await ctx.library();
        const problems = await callMigrateRoute<MigrationStatus[]>(ctx, 'migrate/validate', {}, (runner) =>
          runner.validate(),
        );
        const renderer = await ctx.renderer();
        if (problems.length === 0) {
          if (renderer.format === 'table') ctx.info('ok: no drift');
          else await renderer.list(resultSet(['version', 'name', 'state', 'file'], []));
          return undefined;
        }
        await renderer.list(
          resultSet(
            ['version', 'name', 'state', 'file'],
            problems.map((problem) => ({
              ...problem,
              file: problem.file ? path.basename(problem.file) : null,
            })),
          ),
        );
        throw new IntegrityError(`migration drift: ${problems.map(describeDrift).join('; ')}`, {
          hint: 'restore the applied files as they were; put new changes in a new migration',
        });
      }),
    );
}

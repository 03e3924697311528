import { Command } from 'commander';
import type { CliScope } from '../cli/action.js';
import { makeMigrateCreateCommand } from './create.js';
import { makeMigrateDownCommand } from './down.js';
import { makeMigrateStatusCommand } from './status.js';
import { makeMigrateUpCommand } from './up.js';
import { makeMigrateValidateCommand } from './validate.js';

/** `tradedb migrate ...`: schema versions. */
export function makeMigrateCommand(scope: CliScope): Command {
  return new Command('migrate')
    .description('apply, revert and check schema migrations')
    .option(
      '--migrations-dir <path>',
      'folder of NNN_name.sql files (default: the ones shipped with tradedb)',
    )
    .addCommand(makeMigrateStatusCommand(scope))
    .addCommand(makeMigrateUpCommand(scope))
    .addCommand(makeMigrateDownCommand(scope))
    .addCommand(makeMigrateValidateCommand(scope))
    .addCommand(makeMigrateCreateCommand(scope));
}

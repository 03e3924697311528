import type { MigrationReport } from '../../src/index.js';
import type { CommandContext } from '../cli/context.js';
import { resultSet } from '../render/rows.js';

/**
 * Prints what an up/down run did: per migration in a table, one object with
 * --json; a dry run in table mode prints the SQL itself. Then fails with the
 * migration's error, if one failed.
 */
export async function printReport(
  ctx: CommandContext,
  report: MigrationReport,
  durationMs: number,
): Promise<void> {
  const renderer = await ctx.renderer();
  const done = report.results.filter((result) => result.status === 'applied' || result.status === 'reverted');
  if (renderer.format === 'table' && report.dry_run) {
    const planned = report.results.filter((result) => result.status === 'planned');
    if (planned.length === 0) ctx.info('nothing to do');
    for (const result of planned) {
      await ctx.out.write(
        `-- ${result.version}_${result.name} (${report.direction})\n${result.sql ?? ''}\n\n`,
      );
    }
  } else if (renderer.format === 'json') {
    await renderer.object({
      direction: report.direction,
      dry_run: report.dry_run,
      [report.direction === 'up' ? 'applied' : 'reverted']: done.length,
      failed: report.results.filter((result) => result.status === 'failed').length,
      duration_ms: Math.round(durationMs),
      migrations: report.results.map((result) => ({
        version: result.version,
        name: result.name,
        status: result.status,
        duration_ms: result.duration_ms,
        ...(result.sql !== undefined ? { sql: result.sql } : {}),
        ...(result.error ? { error: result.error.message } : {}),
      })),
    });
  } else {
    const shown = report.results.filter((result) => result.status !== 'skipped');
    if (shown.length === 0) ctx.info('nothing to do: the database is up to date');
    else await renderer.list(resultSet(['version', 'name', 'status', 'duration_ms'], shown, ['duration_ms']));
  }
  if (report.error) throw report.error;
}

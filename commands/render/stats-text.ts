import type { ChalkInstance as Chalk } from 'chalk';
import type { StatsReport } from '../../src/admin.js';
import { renderRecord } from './record.js';
import { resultSet } from './rows.js';
import { renderTable } from './table.js';

/** `tradedb stats` for people: one titled block per section. */
export function formatStatsText(
  report: StatsReport,
  options: { chalk: Chalk | undefined; columns: number | undefined },
): string {
  const title = (text: string) => `${options.chalk ? options.chalk.bold.underline(text) : text}\n`;
  const table = (names: string[], rows: object[], numeric: string[] = []) => {
    const set = resultSet(names, rows, numeric);
    return set.rows.length === 0 ? '(none)\n' : renderTable(set.columns, set.rows, options);
  };
  const record = (value: object) => renderRecord(value as Record<string, never>, options);
  const blocks = [
    title('database') + record(report.database),
    title('schema') +
      record(report.schema) +
      (report.schema.migrated ? '' : 'hint: the database has no schema yet; run `tradedb migrate up`\n'),
    title('tables') + table(['table', 'rows', 'estimated_bytes'], report.tables, ['rows', 'estimated_bytes']),
    title('partitions') +
      table(
        ['table', 'tier', 'partitions', 'rows', 'exported', 'stale', 'not_exported', 'retired'],
        report.partitions,
        ['partitions', 'rows', 'exported', 'stale', 'not_exported', 'retired'],
      ),
    title('last export') + (report.last_export ? record(report.last_export) : '(none)\n'),
    title('last backup') + (report.last_backup ? record(report.last_backup) : '(none)\n'),
    title('pool') + record(report.pool),
    title('metrics') +
      record({ enabled: report.metrics.enabled, file: report.metrics.file }) +
      (report.metrics.jobs.length > 0
        ? table(['job', 'last_success', 'last_failure'], report.metrics.jobs)
        : ''),
  ];
  return blocks.join('\n');
}

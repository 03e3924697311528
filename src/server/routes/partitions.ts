import { UsageError } from '../../errors.js';
import { listPartitions, type PartitionInfo } from '../../partitioning/discover.js';
import { isPartitionedTable, PARTITIONED_TABLES } from '../../partitioning/tables.js';
import { defineRoute } from '../route.js';

/** `partitions`: the UTC-day partitions of the time-partitioned tables (`tables`: only these). */
export const partitionsRoute = defineRoute({
  path: 'partitions',
  access: 'read',
  summary: 'UTC-day partitions with tier, rows and export state',
  parse(args) {
    const tables = args.strings('tables');
    for (const table of tables ?? []) {
      if (!isPartitionedTable(table)) {
        throw new UsageError(`${args.route}: ${table} is not a time-partitioned table`, {
          hint: `use one of ${PARTITIONED_TABLES.join(', ')}`,
        });
      }
    }
    return { tables: tables && [...new Set(tables)] };
  },
  run: (pool, { tables }): Promise<PartitionInfo[]> => listPartitions(pool, tables ? { tables } : {}),
});

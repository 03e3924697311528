import { collectStats, type StatsReport } from '../../stats/stats.js';
import { defineRoute } from '../route.js';

/**
 * `stats`: the state of the database at a glance. Everything is read by
 * the process that runs the route, from its own config: through a live
 * endpoint, `pool` is the serving process's pool and `metrics` its file.
 */
export const statsRoute = defineRoute({
  path: 'stats',
  access: 'read',
  summary: 'database, tables, partitions, migrations, backups, pool and job metrics',
  parse: () => ({}),
  run: (pool): Promise<StatsReport> =>
    collectStats({ pool, config: pool.config, projectMigrationsDirectory: pool.config.migrations.directory }),
});

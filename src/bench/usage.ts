/** Wall and process CPU time (user + system, DuckDB's threads included) of one run. */
export interface Usage {
  ms: number;
  cpuMs: number;
}

/**
 * Measures `work` in wall time and in this process's CPU time. On a shared
 * machine other processes stretch wall time; CPU time stays close to the
 * work done, so it is the steadier of the two ratios there.
 */
export async function measureUsage(work: () => Promise<unknown>): Promise<Usage> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** How many files the summary names. */
const SHOWN = 12;

/**
 * Prints the slowest test files at the end of a run, with their share of the
 * summed file time, so that the next slow test is seen when it lands rather
 * than when the suite has become slow.
 */
export default class SlowestFiles implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const times = modules
      .map((module) => {
        const d = module.diagnostic();
        return {
          file: path.relative(process.cwd(), module.moduleId),
          ms: d.prepareDuration + d.setupDuration + d.collectDuration + d.duration,
          tests: [...module.children.allTests()].length,
        };
      })
      .sort((a, b) => b.ms - a.ms);
    const total = times.reduce((sum, item) => sum + item.ms, 0);
    if (times.length === 0 || total === 0) return;
    const lines = times
      .slice(0, SHOWN)
      .map(
        (item) =>
          `  ${(item.ms / 1000).toFixed(1).padStart(6)} s ${((100 * item.ms) / total).toFixed(0).padStart(3)} %  ${item.file} (${item.tests} tests)`,
      );
    process.stdout.write(
      `\nSlowest test files (summed file time ${(total / 1000).toFixed(0)} s over ${times.length} files):\n${lines.join('\n')}\n`,
    );
  }
}

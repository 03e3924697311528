import { describe, expect, it } from 'vitest';
import { trackJob } from '../../src/admin.js';
import { NOOP_OBSERVER, type Observer } from '../../src/index.js';
import type { JobEnd, JobOutcome } from '../../src/observability/observer.js';

/** An observer that records what jobs report, and optionally a context its `within` marks. */
function recorder(options: { within?: boolean } = {}) {
  const ended: Array<Omit<JobOutcome, 'durationMs'>> = [];
  const scopes: string[] = [];
  const observer: Observer = {
    ...NOOP_OBSERVER,
    startJob(job) {
      const end: JobEnd = (outcome) => {
        ended.push({ job, ...outcome });
      };
      if (options.within) {
        end.within = (work) => {
          scopes.push(job);
          return work();
        };
      }
      return end;
    },
  };
  return { observer, ended, scopes };
}

describe('trackJob', () => {
  it('reports a success with its measurement and a failure without, rethrowing it', async () => {
    const { observer, ended } = recorder();
    await expect(
      trackJob(
        observer,
        'import',
        async () => 7,
        (rows) => ({ rows }),
      ),
    ).resolves.toBe(7);
    await expect(
      trackJob(observer, 'backup', async () => {
        throw new Error('locked');
      }),
    ).rejects.toThrow('locked');
    expect(ended).toEqual([
      { job: 'import', ok: true, rows: 7 },
      { job: 'backup', ok: false },
    ]);
  });

  it('counts a job tracked inside the same job once, with the inner measurement', async () => {
    const { observer, ended } = recorder();
    const result = await trackJob(observer, 'backup', () =>
      trackJob(
        observer,
        'backup',
        async () => ({ size_bytes: 2048 }),
        (r) => ({ bytes: r.size_bytes }),
      ),
    );
    expect(result).toEqual({ size_bytes: 2048 });
    expect(ended).toEqual([{ job: 'backup', ok: true, bytes: 2048 }]);
  });

  it('counts a failure inside the same job once', async () => {
    const { observer, ended } = recorder();
    const failing = trackJob(observer, 'migrate', () =>
      trackJob(observer, 'migrate', async () => {
        throw new Error('bad sql');
      }),
    );
    await expect(failing).rejects.toThrow('bad sql');
    expect(ended).toEqual([{ job: 'migrate', ok: false }]);
  });

  it('counts different jobs nested in each other separately', async () => {
    const { observer, ended } = recorder();
    await trackJob(observer, 'seed', () =>
      trackJob(
        observer,
        'migrate',
        async () => 3,
        (rows) => ({ rows }),
      ),
    );
    expect(ended).toEqual([
      { job: 'migrate', ok: true, rows: 3 },
      { job: 'seed', ok: true },
    ]);
  });

  it('counts the same job for two observers, and two concurrent runs of one job, each', async () => {
    const first = recorder();
    const second = recorder();
    await trackJob(first.observer, 'prune', () => trackJob(second.observer, 'prune', async () => undefined));
    await Promise.all([
      trackJob(first.observer, 'export-partitions', async () => undefined),
      trackJob(first.observer, 'export-partitions', async () => undefined),
    ]);
    expect(first.ended.map((outcome) => outcome.job)).toEqual([
      'prune',
      'export-partitions',
      'export-partitions',
    ]);
    expect(second.ended.map((outcome) => outcome.job)).toEqual(['prune']);
  });

  it("runs the work inside the observer's job context when it offers one", async () => {
    const { observer, scopes } = recorder({ within: true });
    await trackJob(observer, 'restore', async () => undefined);
    expect(scopes).toEqual(['restore']);
  });
});

import { describe, expect, it } from 'vitest';
import { InterruptedError, NOOP_OBSERVER, Pool } from '../../src/index.js';
import { cancellableOn } from '../../src/util/cancel.js';
import { atTestEnd } from '../helpers/cleanup.js';
import { testConfig } from '../helpers/config.js';

const LONG_QUERY = 'SELECT count(*) FROM range(1000000000000) a';

describe('cancelling a job through an AbortSignal', () => {
  it("interrupts the statement running on the job's session, and only that one", async () => {
    const controller = new AbortController();
    const pool = await Pool.open({
      // No query timeout: only the signal can end the long statement.
      config: await testConfig({ database_path: ':memory:', 'pool.query_timeout_ms': 0 }),
      observer: {
        ...NOOP_OBSERVER,
        startStatement: (info) => {
          // Fired just before the statement is sent; the abort lands once it runs.
          if (info.sql === LONG_QUERY) setTimeout(() => controller.abort(), 100);
          return () => {};
        },
      },
    });
    atTestEnd(() => pool.close());
    const job = pool.withWriter((session) =>
      cancellableOn(session, controller.signal, 'job cancelled', () => session.run(LONG_QUERY)),
    );
    await expect(job).rejects.toThrow(InterruptedError);
    await expect(job).rejects.toThrow('job cancelled');
    // The pool itself was not interrupted: its readers and its writer still work.
    expect(await pool.withReader((session) => session.one('SELECT 1 AS one'))).toEqual({ one: 1 });
    expect(await pool.withWriter((session) => session.one('SELECT 2 AS two'))).toEqual({ two: 2 });
  });
});

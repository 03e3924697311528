import { afterEach, describe, expect, it } from 'vitest';
import { dailyStats, dayFingerprints } from '../../../src/partitioning/fingerprint.js';
import { tableColumns } from '../../../src/partitioning/sql.js';
import { tableSpec } from '../../../src/partitioning/tables.js';
import { daysAgo, type Fixture, insertTicks, openFixture } from './fixture.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.pool.close();
  fixture = undefined;
});

const spec = tableSpec('market_ticks');
const days = [daysAgo(3), daysAgo(4), daysAgo(5)];

/** The fingerprints of `asked` as dayFingerprints gives them, in one read snapshot. */
async function prints(asked: readonly string[]) {
  return fixture!.pool.withReader(async (session) => {
    const columns = await tableColumns(session, spec.table);
    return Object.fromEntries(await dayFingerprints(session, spec, columns, asked));
  });
}

/**
 * An export fingerprints a lane of one day with an ungrouped query and a
 * lane of several days with a grouped one; discovery compares either with
 * its own grouped query on the next run. A difference in the text would
 * make every such export look stale.
 */
describe('day fingerprints', () => {
  it('are the same text from a one-day query, a grouped query and discovery', async () => {
    fixture = await openFixture();
    for (const [index, day] of days.entries())
      await insertTicks(fixture.pool, day, 400 + index * 37, index * 1000);
    const grouped = await prints(days);
    const one = Object.assign({}, ...(await Promise.all(days.map((day) => prints([day])))));
    const discovered = await fixture.pool.withReader(async (session) => {
      const columns = await tableColumns(session, spec.table);
      return Object.fromEntries((await dailyStats(session, spec, columns, days)).fingerprints);
    });
    expect(Object.keys(grouped).sort()).toEqual([...days].sort());
    expect(one).toEqual(grouped);
    expect(discovered).toEqual(grouped);
    expect(grouped[days[1]!]!.rows).toBe(437);
    expect(grouped[days[1]!]!.fingerprint).toMatch(/^v1:437:\d+:\d+:\d+$/);
  });

  it('leave out a day without rows, alone or among others', async () => {
    fixture = await openFixture();
    await insertTicks(fixture.pool, days[0]!, 50);
    expect(await prints([days[1]!])).toEqual({});
    expect(Object.keys(await prints([days[0]!, days[1]!]))).toEqual([days[0]]);
  });

  it('change, from the one-day query, when a single value of the day changes', async () => {
    fixture = await openFixture();
    await insertTicks(fixture.pool, days[0]!, 50);
    const before = await prints([days[0]!]);
    await fixture.pool.withWriter((session) =>
      session.run("UPDATE market_ticks SET size = size + CAST('0.00000001' AS DECIMAL(18,8)) WHERE seq = 7"),
    );
    const after = await prints([days[0]!]);
    expect(after[days[0]!]!.rows).toBe(before[days[0]!]!.rows);
    expect(after[days[0]!]!.fingerprint).not.toBe(before[days[0]!]!.fingerprint);
  });
});

import { describe, expect, it } from 'vitest';
import { parseLookup } from '../../commands/cli/fast-query-order.js';

// Which command lines the launcher's fast path takes; everything else goes to the full CLI.
describe('the fast path command line', () => {
  it.each([
    [['query', 'order', 'x1', '--json'], { id: 'x1' }],
    [['--json', 'query', 'order', 'x1'], { id: 'x1' }],
    [['query', 'order', 'x1', '--format', 'json', '-q'], { id: 'x1' }],
    [['-c', 'a.toml', 'query', 'order', 'x1', '--format=json'], { id: 'x1', config: 'a.toml' }],
    [['query', 'order', 'x1', '--json', '--database=d.duckdb'], { id: 'x1', database: 'd.duckdb' }],
    [
      ['--config=a.toml', '--database', 'd', 'query', 'order', 'x1', '--json', '--quiet'],
      { id: 'x1', config: 'a.toml', database: 'd' },
    ],
  ])('takes %j', (argv, request) => {
    expect(parseLookup(argv)).toEqual(request);
  });

  it.each([
    [['query', 'order', 'x1']],
    [['query', 'order', 'x1', '--format', 'csv']],
    [['query', 'order', 'x1', '--json', '--format', 'table']],
    [['query', 'order', 'x1', '--json', '--json']],
    [['query', 'order', 'x1', '--json', '--database', 'a', '--database=b']],
    [['query', 'order', 'x1', '--json', '--direct']],
    [['query', 'order', 'x1', '--json', '-v']],
    [['query', 'order', 'x1', '--json', '--wait', '5s']],
    [['query', 'order', 'x1', '--json', '--metrics-file', 'm.prom']],
    [['query', 'order', 'x1', '--json', '--help']],
    [['query', '--json', 'order', 'x1']],
    [['query', 'order', '--json', 'x1']],
    [['query', 'order', 'x1', 'x2', '--json']],
    [['query', 'orders', 'x1', '--json']],
    [['query', 'order', '--', '-x', '--json']],
    [['query', 'order', 'x1', '--json', '--database']],
    [['query', 'order', 'x1', '--json', '--database', '--json']],
    [['query', 'order', 'x1', '--json', '-c=a.toml']],
  ])('leaves %j to the full CLI', (argv) => {
    expect(parseLookup(argv)).toBeUndefined();
  });
});

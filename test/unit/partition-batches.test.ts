import { describe, expect, it } from 'vitest';
import { batchesOf, inLanes } from '../../src/partitioning/export-batch.js';

const days = (...rows: number[]) => rows.map((count, index) => ({ date: `d${index}`, rows: count }));
const dates = (batches: Array<Array<{ date: string }>>) =>
  batches.map((batch) => batch.map((day) => day.date));

describe('batchesOf: the batches export-partitions writes a table in', () => {
  it('closes a batch at the partition limit, keeping plan order', () => {
    expect(dates(batchesOf(days(1, 1, 1, 1, 1), 2, 100))).toEqual([['d0', 'd1'], ['d2', 'd3'], ['d4']]);
  });

  it('closes a batch before the row limit is passed, and gives a day bigger than the limit a batch of its own', () => {
    expect(dates(batchesOf(days(40, 50, 20, 500, 10), 10, 100))).toEqual([
      ['d0', 'd1'],
      ['d2'],
      ['d3'],
      ['d4'],
    ]);
  });

  it('has no batch for no days', () => {
    expect(batchesOf([], 10, 100)).toEqual([]);
  });
});

describe('inLanes: the lanes a batch COPYs its days in', () => {
  it('uses every lane it can, runs of consecutive days that differ by at most one', () => {
    const seven = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(inLanes(seven, 6)).toEqual([['a', 'b'], ['c'], ['d'], ['e'], ['f'], ['g']]);
    expect(inLanes(seven, 8)).toEqual([['a'], ['b'], ['c'], ['d'], ['e'], ['f'], ['g'], []]);
    expect(inLanes(seven, 3)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
      ['f', 'g'],
    ]);
    expect(inLanes([], 2)).toEqual([[], []]);
  });
});

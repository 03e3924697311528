import { selectList } from '../models/column.js';
import { POSITION_MODEL, type Position, positionFromRow } from '../models/position.js';
import type { Pool } from '../pool/pool.js';
import type { Session } from '../pool/session.js';
import type { Condition, Page } from '../query/filter.js';
import { listPage } from '../query/list.js';
import { namedConditions, type PositionFilter } from './filters.js';
import type { RepositoryOptions } from './options.js';
import { insertPositions, PositionFolder, REPLAY_ORDER } from './position-ledger.js';
import { type PageRequest, type Repository, withPage } from './repository.js';

const COLUMNS = selectList(POSITION_MODEL);

/** What identifies a position: one symbol on one exchange. */
export interface PositionKey {
  exchange: string;
  symbol: string;
}

/** Which positions a rebuild covers; both absent = all. */
export interface PositionScope {
  exchange?: string;
  symbol?: string;
}

/**
 * Positions: read access, and a rebuild from the trades that gives exactly
 * the state the incremental updates of TradeRepository.recordFill keep.
 * Through the `Repository` interface it is read only: a position is
 * derived from the trades, never created on its own.
 */
export class PositionRepository
  implements Pick<Repository<Position, PositionKey, Position, PositionFilter>, 'findById' | 'findAll'>
{
  private readonly now: () => Date;

  constructor(
    private readonly pool: Pool,
    options: RepositoryOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** The position of one symbol on one exchange, or undefined. */
  async find(exchange: string, symbol: string): Promise<Position | undefined> {
    const row = await this.pool.withReader((session) =>
      session.one(
        `SELECT ${COLUMNS} FROM positions WHERE exchange = $1 AND symbol = $2`,
        [exchange, symbol],
        {
          table: 'positions',
        },
      ),
    );
    return row ? positionFromRow(row) : undefined;
  }

  /** The position a key names, or undefined: `find` with the key as one object. */
  async findById(key: PositionKey): Promise<Position | undefined> {
    return this.find(key.exchange, key.symbol);
  }

  /** The positions of a symbol, one per exchange. */
  async findBySymbol(symbol: string): Promise<Position[]> {
    const rows = await this.pool.withReader((session) =>
      session.all(`SELECT ${COLUMNS} FROM positions WHERE symbol = $1 ORDER BY exchange`, [symbol], {
        table: 'positions',
      }),
    );
    return rows.map(positionFromRow);
  }

  /** A page of positions, most recently changed first unless `orderBy` says otherwise. */
  async findAll(options: PositionFilter = {}, page?: PageRequest): Promise<Page<Position>> {
    const filter = withPage(options, page);
    const open: Condition[] =
      filter.open === undefined ? [] : [{ column: 'quantity', op: filter.open ? '!=' : '=', value: '0' }];
    const conditions = namedConditions(
      POSITION_MODEL,
      { symbol: filter.symbol, exchange: filter.exchange },
      {},
      [...open, ...(filter.where ?? [])],
    );
    return listPage(this.pool, POSITION_MODEL, conditions, { now: this.now(), ...filter }, positionFromRow);
  }

  /** Positions with a non-zero quantity (long or short). */
  async findOpen(filter: Omit<PositionFilter, 'open'> = {}): Promise<Page<Position>> {
    return this.findAll({ ...filter, open: true });
  }

  /** The positions the trades imply, computed without writing anything. */
  async computeFromTrades(scope: PositionScope = {}): Promise<Position[]> {
    return this.pool.withReader((session) => foldTrades(session, scope));
  }

  /**
   * Replaces the stored positions (of `scope`, or all) with the ones the
   * trades imply, in one transaction; returns them. Positions without
   * trades are removed.
   */
  async rebuildFromTrades(scope: PositionScope = {}): Promise<Position[]> {
    return this.pool.transaction(async (session) => {
      const positions = await foldTrades(session, scope);
      const { clause, params } = scopeClause(scope);
      await session.run(`DELETE FROM positions${clause}`, params.length > 0 ? params : undefined, {
        table: 'positions',
      });
      await insertPositions(session, positions);
      return positions;
    });
  }
}

function scopeClause(scope: PositionScope): { clause: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  if (scope.exchange !== undefined) parts.push(`exchange = $${params.push(scope.exchange)}`);
  if (scope.symbol !== undefined) parts.push(`symbol = $${params.push(scope.symbol)}`);
  return { clause: parts.length > 0 ? ` WHERE ${parts.join(' AND ')}` : '', params };
}

/** Streams the trades of the scope in replay order and folds them into positions. */
async function foldTrades(session: Session, scope: PositionScope): Promise<Position[]> {
  const { clause, params } = scopeClause(scope);
  const folder = new PositionFolder();
  const sql = `SELECT exchange, symbol, side, quantity, price, executed_at FROM trades${clause} ORDER BY exchange, symbol, ${REPLAY_ORDER}`;
  for await (const batch of session.stream(sql, params.length > 0 ? params : undefined, {
    table: 'trades',
  })) {
    for (const row of batch.rows) folder.add(row['exchange'] as string, row['symbol'] as string, row);
  }
  return folder.positions().sort(byKey);
}

function byKey(a: Position, b: Position): number {
  if (a.exchange !== b.exchange) return a.exchange < b.exchange ? -1 : 1;
  return a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;
}

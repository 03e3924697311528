import { parseDecimal } from '../models/decimal.js';
import type { OrderSide } from '../models/enums.js';
import { POSITION_MODEL, type Position, positionFromRow } from '../models/position.js';
import {
  applyFill,
  FLAT_POSITION,
  type PositionState,
  positionFromState,
  positionState,
} from '../models/position-accounting.js';
import { bindRow, placeholders } from '../models/row-codec.js';
import { timestampMicros } from '../models/timestamp.js';
import type { Trade } from '../models/trade.js';
import type { Session } from '../pool/session.js';
import type { Row } from '../pool/values.js';
import { insertRows } from './insert-rows.js';

const COLUMNS = POSITION_MODEL.columns.map((column) => column.name).join(', ');
const INSERT = `INSERT INTO positions (${COLUMNS}) VALUES (${placeholders(POSITION_MODEL.columns.length)})`;
// A plain UPDATE of the non-key columns: DuckDB's ON CONFLICT upsert measured ~4x slower per fill.
const UPDATE =
  'UPDATE positions SET quantity = $3, avg_entry_price = $4, realized_pnl = $5, updated_at = $6 ' +
  'WHERE exchange = $1 AND symbol = $2';

/** The trades of one position in replay order: time, then trade_id for fills at the same instant. */
export const REPLAY_ORDER = 'executed_at, trade_id';

/**
 * Moves a position by one trade that was just inserted, on `session`
 * inside the caller's transaction. A trade newer than the position's last
 * update is applied incrementally; an older one (fills arriving out of
 * order) replays the position from its trades, so the stored state always
 * equals a rebuild in (executed_at, trade_id) order.
 */
export async function applyTradeToPosition(session: Session, trade: Trade): Promise<Position> {
  const key = { exchange: trade.exchange, symbol: trade.symbol };
  const row = await session.one(
    `SELECT ${COLUMNS} FROM positions WHERE exchange = $1 AND symbol = $2`,
    [key.exchange, key.symbol],
    { table: 'positions' },
  );
  const current = row ? positionFromRow(row) : undefined;
  let position: Position;
  if (!current || timestampMicros(trade.executed_at) > timestampMicros(current.updated_at)) {
    const before = current ? positionState(current) : FLAT_POSITION;
    const state = applyFill(before, trade.side, parseDecimal(trade.quantity), parseDecimal(trade.price));
    position = positionFromState(key, state, trade.executed_at);
  } else {
    position = await replayPosition(session, key);
  }
  await session.run(current ? UPDATE : INSERT, bindRow(POSITION_MODEL, position), { table: 'positions' });
  return position;
}

/** One position computed from all of its trades. */
async function replayPosition(
  session: Session,
  key: { exchange: string; symbol: string },
): Promise<Position> {
  const trades = await session.all(
    `SELECT side, quantity, price, executed_at FROM trades WHERE exchange = $1 AND symbol = $2 ORDER BY ${REPLAY_ORDER}`,
    [key.exchange, key.symbol],
    { table: 'trades' },
  );
  const folded = new PositionFolder();
  for (const trade of trades) folded.add(key.exchange, key.symbol, trade);
  return folded.positions()[0]!;
}

/** Folds trades (sorted by position, then replay order) into positions. */
export class PositionFolder {
  private readonly states = new Map<
    string,
    { key: { exchange: string; symbol: string }; state: PositionState; at: string }
  >();

  add(exchange: string, symbol: string, trade: Row): void {
    const id = `${exchange}\u0000${symbol}`;
    const entry = this.states.get(id) ?? { key: { exchange, symbol }, state: FLAT_POSITION, at: '' };
    entry.state = applyFill(
      entry.state,
      trade['side'] as OrderSide,
      parseDecimal(trade['quantity'] as string),
      parseDecimal(trade['price'] as string),
    );
    entry.at = trade['executed_at'] as string;
    this.states.set(id, entry);
  }

  positions(): Position[] {
    return [...this.states.values()].map((entry) => positionFromState(entry.key, entry.state, entry.at));
  }
}

/** Inserts `positions` (the caller removed the old rows). */
export async function insertPositions(session: Session, positions: readonly Position[]): Promise<void> {
  await insertRows(session, POSITION_MODEL, positions);
}

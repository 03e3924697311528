import type { NewDailyMetric } from '../models/daily-metric.js';
import { formatDecimal, multiplyScaled, parseDecimal } from '../models/decimal.js';
import type { OrderSide } from '../models/enums.js';
import type { NewPortfolioSnapshot } from '../models/portfolio-snapshot.js';
import {
  applyFill,
  FLAT_POSITION,
  type PositionState,
  unrealizedPnl,
} from '../models/position-accounting.js';
import { isoFromMicros, MICROS_PER_DAY, timestampMicros, utcDateOf } from '../models/timestamp.js';
import type { Session } from '../pool/session.js';
import { bucketSql } from '../repositories/bars-sql.js';
import { REPLAY_ORDER } from '../repositories/position-ledger.js';
import { deterministicUuid } from './ids.js';
import type { SeedPlan } from './options.js';

/** The cash a seeded portfolio starts with, scaled 10^8. */
const INITIAL_CASH = 1_000_000n * 100_000_000n;

export interface DailyFigures {
  snapshots: NewPortfolioSnapshot[];
  metrics: NewDailyMetric[];
}

interface Holding {
  exchange: string;
  symbol: string;
  state: PositionState;
  mark: bigint | undefined;
}

/**
 * One portfolio snapshot per seeded day (taken at 23:59:59 UTC) and the
 * day's performance figures, from a replay of every trade in the database
 * in the same order the positions use, marked to the day's last tick.
 * Cash starts at 1,000,000 and moves by notionals and fees (in USD).
 */
export async function dailyFigures(
  session: Session,
  plan: SeedPlan,
  seed: string,
  batch: number,
): Promise<DailyFigures> {
  const closes = await session.all(
    `SELECT exchange, symbol, ${bucketSql('ts', MICROS_PER_DAY)} AS day, arg_max(price, (ts, seq)) AS close
     FROM market_ticks WHERE ts < $1::TIMESTAMPTZ GROUP BY ALL ORDER BY day`,
    [isoFromMicros(plan.endMicros)],
    { table: 'market_ticks' },
  );
  const trades = await session.all(
    `SELECT exchange, symbol, side, quantity, price, fee, executed_at FROM trades
     WHERE executed_at < $1::TIMESTAMPTZ ORDER BY ${REPLAY_ORDER}`,
    [isoFromMicros(plan.endMicros)],
    { table: 'trades' },
  );
  const holdings = new Map<string, Holding>();
  const holding = (exchange: string, symbol: string): Holding => {
    const key = `${exchange}\u0000${symbol}`;
    let found = holdings.get(key);
    if (!found) {
      found = { exchange, symbol, state: FLAT_POSITION, mark: undefined };
      holdings.set(key, found);
    }
    return found;
  };
  let cash = INITIAL_CASH;
  let previousRealized = 0n;
  let t = 0;
  let c = 0;
  const snapshots: NewPortfolioSnapshot[] = [];
  const metrics: NewDailyMetric[] = [];
  for (let day = 0; day < plan.days; day++) {
    const dayEnd = plan.startMicros + BigInt(day + 1) * MICROS_PER_DAY;
    let tradeCount = 0n;
    let notional = 0n;
    let fees = 0n;
    for (; t < trades.length && timestampMicros(trades[t]!['executed_at'] as string) < dayEnd; t++) {
      const trade = trades[t]!;
      const target = holding(trade['exchange'] as string, trade['symbol'] as string);
      const quantity = parseDecimal(trade['quantity'] as string);
      const price = parseDecimal(trade['price'] as string);
      const fee = parseDecimal(trade['fee'] as string);
      const amount = multiplyScaled(quantity, price);
      target.state = applyFill(target.state, trade['side'] as OrderSide, quantity, price);
      cash += (trade['side'] === 'buy' ? -amount : amount) - fee;
      if (dayEnd - timestampMicros(trade['executed_at'] as string) <= MICROS_PER_DAY) {
        tradeCount += 1n;
        notional += amount;
        fees += fee;
      }
    }
    for (; c < closes.length && timestampMicros(closes[c]!['day'] as string) < dayEnd; c++) {
      const close = closes[c]!;
      holding(close['exchange'] as string, close['symbol'] as string).mark = parseDecimal(
        close['close'] as string,
      );
    }
    let positionsValue = 0n;
    let realized = 0n;
    let unrealized = 0n;
    const open: { [key: string]: string }[] = [];
    for (const { exchange, symbol, state, mark } of holdings.values()) {
      realized += state.realizedPnl;
      if (state.quantity === 0n) continue;
      const price = mark ?? state.avgEntryPrice;
      const value = multiplyScaled(state.quantity, price);
      positionsValue += value;
      unrealized += unrealizedPnl(state, price);
      open.push({
        exchange,
        symbol,
        quantity: formatDecimal(state.quantity),
        avg_entry_price: formatDecimal(state.avgEntryPrice),
        mark_price: formatDecimal(price),
        market_value: formatDecimal(value),
      });
    }
    // 23:59:59 of each day; today's snapshot is taken now (the plan's end), not in the future.
    const lastSecond = dayEnd - 1_000_000n;
    const takenAt = isoFromMicros(lastSecond < plan.endMicros ? lastSecond : plan.endMicros - 1n);
    const totalValue = cash + positionsValue;
    snapshots.push({
      snapshot_id: deterministicUuid(seed, batch, 'snapshot', day),
      taken_at: takenAt,
      total_value: formatDecimal(totalValue),
      cash: formatDecimal(cash),
      positions_value: formatDecimal(positionsValue),
      realized_pnl: formatDecimal(realized),
      unrealized_pnl: formatDecimal(unrealized),
      positions: open,
    });
    const date = utcDateOf(dayEnd - MICROS_PER_DAY);
    const figures: [string, bigint][] = [
      ['trade_count', tradeCount * 100_000_000n],
      ['notional', notional],
      ['fees', fees],
      ['realized_pnl', realized - previousRealized],
      ['total_value', totalValue],
    ];
    for (const [name, value] of figures) {
      metrics.push({ metric_date: date, name, value: formatDecimal(value), updated_at: takenAt });
    }
    previousRealized = realized;
  }
  return { snapshots, metrics };
}

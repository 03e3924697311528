import { Pool } from '../../../src/index.js';
import { atTestEnd } from '../../helpers/cleanup.js';
import { testConfig } from '../../helpers/config.js';
import { applySchema } from '../../helpers/schema.js';

/** A fresh in-memory database with the trading schema; closed after the test. */
export async function schemaPool(values: Record<string, string | number | boolean> = {}): Promise<Pool> {
  const pool = await Pool.open({ config: await testConfig({ database_path: ':memory:', ...values }) });
  atTestEnd(() => pool.close());
  await applySchema(pool);
  return pool;
}

/** A clock pinned to `iso`, for deterministic defaults. */
export function fixedClock(iso: string): () => Date {
  return () => new Date(iso);
}

/** A valid limit order; override what the test is about. */
export function limitOrder(overrides: Record<string, unknown> = {}) {
  return {
    exchange: 'XNAS',
    symbol: 'AAPL',
    side: 'buy' as const,
    order_type: 'limit' as const,
    quantity: '10',
    price: '187.25',
    ...overrides,
  };
}

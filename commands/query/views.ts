import type { TableView } from './table-view.js';

/** Table columns of each list, and which go first when the terminal is narrow. */
export const ORDER_VIEW: TableView = {
  columns: [
    'order_id',
    'client_order_id',
    'exchange',
    'symbol',
    'side',
    'order_type',
    'quantity',
    'price',
    'filled_quantity',
    'status',
    'created_at',
  ],
  dropOrder: ['client_order_id', 'exchange', 'order_type', 'filled_quantity', 'price', 'quantity', 'side'],
};

export const TRADE_VIEW: TableView = {
  columns: [
    'trade_id',
    'order_id',
    'symbol',
    'side',
    'quantity',
    'price',
    'fee',
    'fee_currency',
    'executed_at',
  ],
  dropOrder: ['fee_currency', 'fee', 'order_id', 'side', 'price'],
};

/** The fills under one order: the order's own fields are in the record above them. */
export const ORDER_TRADES_VIEW: TableView = {
  columns: ['trade_id', 'quantity', 'price', 'fee', 'fee_currency', 'executed_at'],
  dropOrder: ['fee_currency', 'fee'],
};

export const POSITION_VIEW: TableView = {
  columns: ['exchange', 'symbol', 'quantity', 'avg_entry_price', 'realized_pnl', 'updated_at'],
  dropOrder: ['updated_at', 'realized_pnl', 'exchange'],
};

export const TICK_VIEW: TableView = {
  columns: ['ts', 'exchange', 'symbol', 'price', 'size', 'bid', 'ask', 'seq'],
  dropOrder: ['seq', 'bid', 'ask', 'exchange'],
};

export const BAR_VIEW: TableView = {
  columns: [
    'bucket_start',
    'exchange',
    'symbol',
    'timeframe',
    'open',
    'high',
    'low',
    'close',
    'volume',
    'trade_count',
  ],
  dropOrder: ['timeframe', 'exchange', 'trade_count', 'open', 'high', 'low', 'volume', 'symbol'],
};

/** Snapshot positions are a JSON document: JSON output carries it, a table does not. */
export const SNAPSHOT_VIEW: TableView = {
  columns: [
    'taken_at',
    'total_value',
    'cash',
    'positions_value',
    'realized_pnl',
    'unrealized_pnl',
    'snapshot_id',
  ],
  dropOrder: ['snapshot_id', 'positions_value', 'cash', 'realized_pnl'],
};

-- The trading schema: every model of the domain library, plus the ledger of
-- Parquet exports. Money and quantities are DECIMAL(18,8); running totals
-- DECIMAL(38,8). Every time is TIMESTAMPTZ (UTC). No FOREIGN KEYs: DuckDB's
-- break COPY FROM DATABASE and block updates; the repositories keep
-- references consistent inside transactions.

-- migrate:up
CREATE TABLE orders (
  order_id        UUID PRIMARY KEY,
  client_order_id VARCHAR NOT NULL UNIQUE,
  exchange        VARCHAR NOT NULL,
  symbol          VARCHAR NOT NULL,
  side            VARCHAR NOT NULL CHECK (side IN ('buy', 'sell')),
  order_type      VARCHAR NOT NULL CHECK (order_type IN ('market', 'limit', 'stop', 'stop_limit')),
  quantity        DECIMAL(18,8) NOT NULL CHECK (quantity > 0),
  price           DECIMAL(18,8) CHECK (price IS NULL OR price > 0),
  filled_quantity DECIMAL(18,8) NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
  status          VARCHAR NOT NULL CHECK (status IN ('pending', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired')),
  correlation_id  UUID,
  created_at      TIMESTAMPTZ NOT NULL,
  updated_at      TIMESTAMPTZ
);

CREATE TABLE trades (
  trade_id     UUID PRIMARY KEY,
  order_id     UUID NOT NULL,
  exchange     VARCHAR NOT NULL,
  symbol       VARCHAR NOT NULL,
  side         VARCHAR NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity     DECIMAL(18,8) NOT NULL CHECK (quantity > 0),
  price        DECIMAL(18,8) NOT NULL CHECK (price > 0),
  fee          DECIMAL(18,8) NOT NULL DEFAULT 0 CHECK (fee >= 0),
  fee_currency VARCHAR NOT NULL,
  executed_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE positions (
  exchange        VARCHAR NOT NULL,
  symbol          VARCHAR NOT NULL,
  quantity        DECIMAL(18,8) NOT NULL,
  avg_entry_price DECIMAL(18,8) NOT NULL,
  realized_pnl    DECIMAL(38,8) NOT NULL DEFAULT 0,
  updated_at      TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (exchange, symbol)
);

-- No index: ticks arrive in bulk through the appender, and DuckDB's zone maps
-- on ts already skip row groups outside a time range.
CREATE TABLE market_ticks (
  ts       TIMESTAMPTZ NOT NULL,
  exchange VARCHAR NOT NULL,
  symbol   VARCHAR NOT NULL,
  price    DECIMAL(18,8) NOT NULL,
  size     DECIMAL(18,8) NOT NULL,
  bid      DECIMAL(18,8),
  ask      DECIMAL(18,8),
  seq      BIGINT NOT NULL
);

CREATE TABLE ohlcv_bars (
  exchange     VARCHAR NOT NULL,
  symbol       VARCHAR NOT NULL,
  timeframe    VARCHAR NOT NULL CHECK (timeframe IN ('1m', '5m', '15m', '1h', '1d')),
  bucket_start TIMESTAMPTZ NOT NULL,
  open         DECIMAL(18,8) NOT NULL,
  high         DECIMAL(18,8) NOT NULL,
  low          DECIMAL(18,8) NOT NULL,
  close        DECIMAL(18,8) NOT NULL,
  volume       DECIMAL(38,8) NOT NULL,
  trade_count  BIGINT NOT NULL,
  PRIMARY KEY (exchange, symbol, timeframe, bucket_start)
);

CREATE TABLE portfolio_snapshots (
  snapshot_id     UUID PRIMARY KEY,
  taken_at        TIMESTAMPTZ NOT NULL,
  total_value     DECIMAL(38,8) NOT NULL,
  cash            DECIMAL(38,8) NOT NULL,
  positions_value DECIMAL(38,8) NOT NULL,
  realized_pnl    DECIMAL(38,8) NOT NULL,
  unrealized_pnl  DECIMAL(38,8) NOT NULL,
  positions       JSON NOT NULL
);

-- One row per exported (table, UTC day): what was written, and whether the
-- rows have since left the database (then the Parquet is the only copy).
CREATE TABLE partition_exports (
  table_name     VARCHAR NOT NULL,
  partition_date DATE NOT NULL,
  path           VARCHAR NOT NULL,
  files          JSON NOT NULL,
  row_count      BIGINT NOT NULL,
  bytes          BIGINT NOT NULL,
  sha256         VARCHAR NOT NULL,
  min_time       TIMESTAMPTZ,
  max_time       TIMESTAMPTZ,
  fingerprint    VARCHAR NOT NULL,
  schema_version VARCHAR NOT NULL,
  exported_at    TIMESTAMPTZ NOT NULL,
  verified_at    TIMESTAMPTZ,
  retired_at     TIMESTAMPTZ,
  PRIMARY KEY (table_name, partition_date)
);

-- migrate:down
DROP TABLE partition_exports;
DROP TABLE portfolio_snapshots;
DROP TABLE ohlcv_bars;
DROP TABLE market_ticks;
DROP TABLE positions;
DROP TABLE trades;
DROP TABLE orders;

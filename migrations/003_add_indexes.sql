-- Secondary indexes for the lookups operators and services make. DuckDB uses
-- an ART index for selective equality lookups; range scans over time rely on
-- zone maps instead, so time columns get none. Note: ALTER TABLE on a table
-- fails while indexes exist on it; a later migration that alters one of
-- these tables drops and recreates its indexes around the change.

-- migrate:up
CREATE INDEX idx_trades_order_id ON trades (order_id);
CREATE INDEX idx_trades_symbol ON trades (symbol);
CREATE INDEX idx_orders_symbol ON orders (symbol);
CREATE INDEX idx_orders_correlation_id ON orders (correlation_id);

-- migrate:down
DROP INDEX idx_orders_correlation_id;
DROP INDEX idx_orders_symbol;
DROP INDEX idx_trades_symbol;
DROP INDEX idx_trades_order_id;

-- What MetricsRepository stores beside portfolio_snapshots: daily performance
-- figures (one value per date and metric name) and sampled query metrics.

-- migrate:up
CREATE TABLE daily_performance (
  metric_date DATE NOT NULL,
  name        VARCHAR NOT NULL,
  value       DECIMAL(38,8) NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (metric_date, name)
);

CREATE TABLE query_metrics (
  recorded_at TIMESTAMPTZ NOT NULL,
  operation   VARCHAR NOT NULL,
  table_name  VARCHAR,
  duration_ms DOUBLE NOT NULL,
  row_count   BIGINT NOT NULL,
  role        VARCHAR NOT NULL CHECK (role IN ('reader', 'writer'))
);

-- migrate:down
DROP TABLE query_metrics;
DROP TABLE daily_performance;

import { createRequire } from 'node:module';

/** One metric family as parse-prometheus-text-format returns it (prom2json's shape). */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: Array<{
    labels?: Record<string, string>;
    value?: string;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }>;
}

// The package ships CommonJS without types; a real text-format parser, not a regex, checks our output.
const parsePrometheusTextFormat = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => MetricFamily[];

/**
 * Parses Prometheus text format into families keyed by name. The parser
 * folds every series of a histogram into one unlabelled entry, so histogram
 * families are parsed a second time declared untyped (their `_bucket`,
 * `_sum` and `_count` lines then keep their labels) and regrouped by labels.
 */
export function parseMetrics(text: string): Map<string, MetricFamily> {
  const families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
  const histograms = [...families.values()].filter((family) => family.type === 'HISTOGRAM');
  if (histograms.length === 0) return families;
  // Declared untyped, each series' `_bucket` lines form a family of their own: gather them by name.
  const untyped = new Map<string, MetricFamily>();
  const retyped = text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped');
  for (const family of parsePrometheusTextFormat(retyped)) {
    const seen = untyped.get(family.name);
    if (seen) seen.metrics.push(...family.metrics);
    else untyped.set(family.name, family);
  }
  for (const family of histograms) family.metrics = histogramSeries(untyped, family.name);
  return families;
}

function histogramSeries(untyped: Map<string, MetricFamily>, name: string): MetricFamily['metrics'] {
  const series = new Map<string, MetricFamily['metrics'][number]>();
  const entryFor = (labels: Record<string, string> = {}) => {
    const { le: _le, ...rest } = labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let entry = series.get(key);
    if (!entry) {
      entry = { labels: rest, buckets: {} };
      series.set(key, entry);
    }
    return entry;
  };
  for (const sample of untyped.get(`${name}_bucket`)?.metrics ?? []) {
    entryFor(sample.labels).buckets![sample.labels!.le!] = sample.value!;
  }
  for (const sample of untyped.get(`${name}_sum`)?.metrics ?? []) entryFor(sample.labels).sum = sample.value;
  for (const sample of untyped.get(`${name}_count`)?.metrics ?? [])
    entryFor(sample.labels).count = sample.value;
  return [...series.values()];
}

/** The sample of `name` whose labels include `labels`, or undefined. */
export function sampleOf(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): MetricFamily['metrics'][number] | undefined {
  return families
    .get(name)
    ?.metrics.find((metric) =>
      Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value),
    );
}

/** The numeric value of a counter or gauge sample; NaN when it is missing. */
export function metricValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels?: Record<string, string>,
): number {
  return Number(sampleOf(families, name, labels)?.value ?? Number.NaN);
}

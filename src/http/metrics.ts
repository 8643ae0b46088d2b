/**
 * A tiny Prometheus registry (text exposition format 0.0.4): labelled counters and histograms kept
 * in memory, rendered on `/metrics`. One registry per app instance, never a global.
 */

export type Labels = Readonly<Record<string, string>>;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

export interface Histogram {
  observe(labels: Labels, value: number): void;
}

export interface MetricsRegistry {
  counter(name: string, help: string): Counter;
  histogram(name: string, help: string, buckets?: readonly number[]): Histogram;
  /** The whole registry in Prometheus text format. */
  render(): string;
}

/** Latency buckets in seconds, from 0.5 ms (a cached lookup) up to 10 s (a big Bulk request). */
export const LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const escapeLabel = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** Label pairs in name order (plain code-unit order: names are ASCII identifiers). */
const sortedPairs = (labels: Labels): [string, string][] => Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The key of a series: its label pairs in name order, unescaped and joined with separators that
 * cannot occur in text labels — cheaper than rendering, which happens only on `/metrics`.
 */
function seriesKey(labels: Labels): string {
  return sortedPairs(labels).map(([k, v]) => `${k}\u0001${v}`).join('\u0002');
}

function labelText(labels: Labels, extra?: readonly [string, string]): string {
  const pairs = sortedPairs(labels);
  if (extra) pairs.push([extra[0], extra[1]]);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

interface HistogramSeries {
  readonly labels: Labels;
  readonly counts: number[];
  sum: number;
  count: number;
}

interface Metric {
  readonly name: string;
  readonly help: string;
  render(): string[];
}

function createCounter(name: string, help: string): Counter & Metric {
  const series = new Map<string, { labels: Labels; value: number }>();
  return {
    name,
    help,
    inc(labels = {}, by = 1) {
      const key = seriesKey(labels);
      const found = series.get(key);
      if (found) found.value += by;
      else series.set(key, { labels, value: by });
    },
    render: () => [
      `# HELP ${name} ${help}`,
      `# TYPE ${name} counter`,
      ...[...series.values()].map((s) => `${name}${labelText(s.labels)} ${s.value}`),
    ],
  };
}

function renderHistogram(name: string, buckets: readonly number[], s: HistogramSeries): string[] {
  const lines: string[] = [];
  let cumulative = 0;
  buckets.forEach((bound, i) => {
    cumulative += s.counts[i] ?? 0;
    lines.push(`${name}_bucket${labelText(s.labels, ['le', String(bound)])} ${cumulative}`);
  });
  lines.push(`${name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}`);
  lines.push(`${name}_sum${labelText(s.labels)} ${s.sum}`, `${name}_count${labelText(s.labels)} ${s.count}`);
  return lines;
}

function createHistogram(name: string, help: string, buckets: readonly number[]): Histogram & Metric {
  const series = new Map<string, HistogramSeries>();
  return {
    name,
    help,
    observe(labels, value) {
      const key = seriesKey(labels);
      let s = series.get(key);
      if (!s) {
        s = { labels, counts: buckets.map(() => 0), sum: 0, count: 0 };
        series.set(key, s);
      }
      const index = buckets.findIndex((bound) => value <= bound);
      if (index >= 0) s.counts[index] = (s.counts[index] ?? 0) + 1;
      s.sum += value;
      s.count += 1;
    },
    render: () => [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`, ...[...series.values()].flatMap((s) => renderHistogram(name, buckets, s))],
  };
}

/** Creates an empty registry. Asking twice for the same name returns the same metric. */
export function createMetricsRegistry(): MetricsRegistry {
  const metrics = new Map<string, Metric & (Counter | Histogram)>();
  function register<T extends Metric & (Counter | Histogram)>(name: string, make: () => T): T {
    const existing = metrics.get(name);
    if (existing) return existing as T;
    const created = make();
    metrics.set(name, created);
    return created;
  }
  return {
    counter: (name, help) => register(name, () => createCounter(name, help)),
    histogram: (name, help, buckets = LATENCY_BUCKETS) => register(name, () => createHistogram(name, help, buckets)),
    render: () => `${[...metrics.values()].flatMap((m) => m.render()).join('\n')}\n`,
  };
}

/** The metrics the HTTP layer records. */
export interface HttpMetrics {
  /** `scimd_http_requests_total{method,route,status}`. */
  readonly requests: Counter;
  /** `scimd_http_request_duration_seconds{method,route}`. */
  readonly duration: Histogram;
  /** `scimd_provisioning_operations_total{resource,operation,outcome}`. */
  readonly operations: Counter;
}

/** Registers (or finds) the HTTP layer's metrics in `registry`. */
export function httpMetrics(registry: MetricsRegistry): HttpMetrics {
  return {
    requests: registry.counter('scimd_http_requests_total', 'HTTP requests by method, route template and status.'),
    duration: registry.histogram('scimd_http_request_duration_seconds', 'HTTP request latency by method and route template, in seconds.'),
    operations: registry.counter('scimd_provisioning_operations_total', 'SCIM provisioning operations by resource type, operation and outcome.'),
  };
}

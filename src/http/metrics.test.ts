import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMetricsRegistry } from './metrics.ts';

describe('the metrics registry', () => {
  it('renders labelled counters in Prometheus text with sorted, escaped labels', () => {
    const registry = createMetricsRegistry();
    const counter = registry.counter('jobs_total', 'Jobs.');
    counter.inc({ b: 'x"y', a: '1' });
    counter.inc({ a: '1', b: 'x"y' }, 2);
    assert.equal(registry.render(), '# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{a="1",b="x\\"y"} 3\n');
  });

  it('renders cumulative histogram buckets with +Inf, sum and count', () => {
    const registry = createMetricsRegistry();
    const histogram = registry.histogram('latency_seconds', 'Latency.', [0.1, 1]);
    for (const value of [0.05, 0.5, 5]) histogram.observe({ route: '/x' }, value);
    const lines = registry.render().split('\n');
    assert.ok(lines.includes('latency_seconds_bucket{route="/x",le="0.1"} 1'));
    assert.ok(lines.includes('latency_seconds_bucket{route="/x",le="1"} 2'));
    assert.ok(lines.includes('latency_seconds_bucket{route="/x",le="+Inf"} 3'));
    assert.ok(lines.includes('latency_seconds_sum{route="/x"} 5.55'));
    assert.ok(lines.includes('latency_seconds_count{route="/x"} 3'));
  });

  it('returns the same metric when a name is registered twice', () => {
    const registry = createMetricsRegistry();
    registry.counter('a_total', 'A.').inc();
    registry.counter('a_total', 'A.').inc();
    assert.match(registry.render(), /a_total 2/);
  });
});

import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics.js';

describe('metrics registry', () => {
  it('renders counters, histograms and gauges in the Prometheus text format', async () => {
    const registry = new MetricsRegistry();
    const deliveries = registry.counter('demo_deliveries_total', 'Deliveries by outcome.');
    deliveries.inc({ outcome: 'succeeded' });
    deliveries.inc({ outcome: 'succeeded' });
    deliveries.inc({ outcome: 'failed' }, 3);
    const latency = registry.histogram('demo_latency_seconds', 'Latency.', [0.1, 1]);
    latency.observe(0.05);
    latency.observe(0.5);
    latency.observe(4);
    registry.gauge('demo_depth', 'Depth.', async () => [{ value: 7 }]);

    expect(await registry.render()).toBe(
      [
        '# HELP demo_deliveries_total Deliveries by outcome.',
        '# TYPE demo_deliveries_total counter',
        'demo_deliveries_total{outcome="succeeded"} 2',
        'demo_deliveries_total{outcome="failed"} 3',
        '# HELP demo_latency_seconds Latency.',
        '# TYPE demo_latency_seconds histogram',
        'demo_latency_seconds_bucket{le="0.1"} 1',
        'demo_latency_seconds_bucket{le="1"} 2',
        'demo_latency_seconds_bucket{le="+Inf"} 3',
        'demo_latency_seconds_sum 4.55',
        'demo_latency_seconds_count 3',
        '# HELP demo_depth Depth.',
        '# TYPE demo_depth gauge',
        'demo_depth 7',
        '',
      ].join('\n'),
    );
  });

  it('returns the registered metric for a known name and refuses a clash of types', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('demo_total', 'A counter.');
    expect(registry.counter('demo_total', 'A counter.')).toBe(counter);
    expect(() => registry.histogram('demo_total', 'Now a histogram.')).toThrow(/counter/);
  });

  it('escapes label values', async () => {
    const registry = new MetricsRegistry();
    registry.counter('demo_total', 'Escaping.').inc({ path: 'a"b\\c\nd' });
    expect(await registry.render()).toContain('demo_total{path="a\\"b\\\\c\\nd"} 1');
  });
});

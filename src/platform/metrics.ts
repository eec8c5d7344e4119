/**
 * A small Prometheus registry (text exposition format 0.0.4). Counters and histograms
 * count what this process did, so a scraper reads each process and sums them; gauges
 * are read at scrape time from a collector, which for shared state (queue depth, oldest
 * pending age) asks the database, so any process gives the same answer.
 */
export type Labels = Record<string, string>;

export interface GaugeSample {
  labels?: Labels;
  value: number;
}

export type GaugeCollector = () => Promise<GaugeSample[]>;

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Seconds; from a fast local receiver up to the 15 s attempt timeout. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15,
];

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatLabels(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function keyOf(labels: Labels | undefined): string {
  return formatLabels(labels);
}

interface Metric {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples(): Promise<string[]>;
}

export class Counter implements Metric {
  readonly type = 'counter';
  private readonly values = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels?: Labels, by = 1): void {
    const key = keyOf(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels?: Labels): number {
    return this.values.get(keyOf(labels)) ?? 0;
  }

  async samples(): Promise<string[]> {
    return [...this.values].map(([key, value]) => `${this.name}${key} ${formatValue(value)}`);
  }
}

interface HistogramSeries {
  labels: Labels | undefined;
  buckets: number[];
  sum: number;
  count: number;
}

export class Histogram implements Metric {
  readonly type = 'histogram';
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {}

  observe(value: number, labels?: Labels): void {
    const key = keyOf(labels);
    let series = this.series.get(key);
    if (!series) {
      series = { labels, buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    this.bounds.forEach((bound, i) => {
      if (value <= bound) series.buckets[i]! += 1;
    });
    series.sum += value;
    series.count += 1;
  }

  async samples(): Promise<string[]> {
    const lines: string[] = [];
    for (const { labels, buckets, sum, count } of this.series.values()) {
      this.bounds.forEach((bound, i) => {
        const le = formatLabels({ ...labels, le: formatValue(bound) });
        lines.push(`${this.name}_bucket${le} ${buckets[i]}`);
      });
      lines.push(`${this.name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${count}`);
      lines.push(`${this.name}_sum${formatLabels(labels)} ${formatValue(sum)}`);
      lines.push(`${this.name}_count${formatLabels(labels)} ${count}`);
    }
    return lines;
  }
}

class Gauge implements Metric {
  readonly type = 'gauge';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect: GaugeCollector,
  ) {}

  async samples(): Promise<string[]> {
    const samples = await this.collect();
    return samples.map((s) => `${this.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  }
}

/** One per process. Asking again for a name returns the metric already registered. */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();

  counter(name: string, help: string): Counter {
    return this.register(name, () => new Counter(name, help), Counter);
  }

  histogram(name: string, help: string, bounds = LATENCY_BUCKETS_SECONDS): Histogram {
    return this.register(name, () => new Histogram(name, help, bounds), Histogram);
  }

  /** A gauge read at scrape time; registering the name again replaces its collector. */
  gauge(name: string, help: string, collect: GaugeCollector): void {
    this.metrics.set(name, new Gauge(name, help, collect));
  }

  async render(): Promise<string> {
    const blocks: string[] = [];
    for (const metric of this.metrics.values()) {
      const samples = await metric.samples();
      blocks.push(
        [`# HELP ${metric.name} ${metric.help}`, `# TYPE ${metric.name} ${metric.type}`, ...samples]
          .filter(Boolean)
          .join('\n'),
      );
    }
    return blocks.length === 0 ? '' : `${blocks.join('\n')}\n`;
  }

  private register<T extends Metric>(
    name: string,
    create: () => T,
    kind: abstract new (...args: never[]) => T,
  ): T {
    const existing = this.metrics.get(name);
    if (existing instanceof kind) return existing;
    if (existing) throw new Error(`metric ${name} is already registered as a ${existing.type}`);
    const metric = create();
    this.metrics.set(name, metric);
    return metric;
  }
}

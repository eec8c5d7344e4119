/** One measured number: what it is, and in which unit. */
export interface Figure {
  value: number;
  unit: 'req/s' | 'testimonials/s' | 's';
  /** What produced it, e.g. "bare Fastify route, same bytes". */
  label: string;
}

export interface Aim {
  text: string;
  met: boolean;
}

/**
 * A case measures ShowTrust and a baseline in the same run: these machines are noisy, so
 * the ratio between the two is what counts, not either number alone.
 */
export type CaseOutcome =
  | {
      status: 'measured';
      subject: Figure;
      baseline: Figure;
      /** Throughputs are better high, durations better low; the ratio reads accordingly. */
      higherIsBetter: boolean;
      aim?: Aim;
      note?: string;
    }
  | { status: 'unavailable'; reason: string };

export interface BenchSettings {
  /** Load per measured phase: fixed duration, fixed number of keep-alive connections. */
  durationMs: number;
  warmupMs: number;
  concurrency: number;
}

export interface BenchCase {
  name: string;
  run(settings: BenchSettings): Promise<CaseOutcome>;
}

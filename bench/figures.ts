/** The benchmark's arithmetic: percentiles of latencies, and a ratio to the reference. */

export interface Spread {
  count: number;
  p50: number;
  p99: number;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const spread = (values: number[]): Spread => ({ count: values.length, p50: percentile(values, 50), p99: percentile(values, 99) });

export const ratio = (product: number, reference: number) => product / reference;

export const ms = (value: number) => `${value.toFixed(1)} ms`;

export const elapsedMs = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

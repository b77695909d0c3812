/** One line of the benchmark table: chefer against a baseline measured in the same run. */
export interface BenchRow {
  name: string;
  /** What chefer measured, in `unit`. */
  value: number;
  /** What the baseline measured, in `unit`; undefined for plain measurements (sizes). */
  baseline?: number;
  baselineName?: string;
  unit: string;
  /** True when a larger value is better (throughput), false when smaller is (time, memory). */
  higherIsBetter: boolean;
}

/** Median of a list of samples. */
export function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Times an async function `n` times and returns the median in milliseconds. */
export async function timeMedian(n: number, fn: () => Promise<void>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

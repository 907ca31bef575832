// Options of the Binance ingest benchmark (ingest-binance.ts), apart so its summary need not import the bench.
export interface BinanceIngestBenchOptions {
  /** Measured rounds; the median is reported. */
  readonly rounds: number;
  readonly warmupRounds: number;
  /** Passes over each corpus entry per variant per round. */
  readonly passes: number;
  /** Capture file name fragments (`10sym`, `binanceus`); undefined = all. */
  readonly captures: readonly string[] | undefined;
  /** Simulator steps (100 ms each, 2 symbols) of the synthetic steady-state stream; 0 leaves it out. */
  readonly syntheticSteps: number;
  readonly seed: number;
  /** Directory for the JSON report; null writes nothing. */
  readonly outDir: string | null;
  readonly log: (line: string) => void;
}

export const defaultBinanceIngestBenchOptions: BinanceIngestBenchOptions = {
  rounds: 5, warmupRounds: 2, passes: 50, captures: undefined, syntheticSteps: 2000, seed: 1, outDir: 'bench/results',
  log: (line) => console.log(line),
};


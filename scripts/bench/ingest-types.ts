// Options and report shape of the Kraken ingest benchmark (ingest.ts), apart so its report printer need not import it.
import type { Capture, CaptureFacts } from './ingest-pipeline.ts';
import type { BenchPlatform } from './platform.ts';

export interface IngestBenchOptions {
  /** Measured rounds; the median is reported. */
  readonly rounds: number;
  readonly warmupRounds: number;
  /** Passes over each capture per variant per round. */
  readonly passes: number;
  /** In-memory bots on the fan-out (each: book at `clientBookDepth` + trades). */
  readonly clients: number;
  readonly clientBookDepth: number;
  /** Capture file name fragments (`btcusd`, `minagbp`); undefined = all. */
  readonly captures: readonly string[] | undefined;
  /** Directory for the JSON report; null writes nothing. */
  readonly outDir: string | null;
  readonly log: (line: string) => void;
}

export const defaultIngestBenchOptions: IngestBenchOptions = {
  rounds: 5, warmupRounds: 2, passes: 30, clients: 4, clientBookDepth: 10, captures: undefined,
  outDir: 'bench/results', log: (line) => console.log(line),
};

export const VARIANTS = ['json', 'parse', 'session', 'store', 'ingest', 'fanout'] as const;
export type VariantId = (typeof VARIANTS)[number];
/** The budget for (b)/(a). */
export const TARGET_INGEST_RATIO = 2.5;

export interface VariantResult {
  readonly id: VariantId;
  /** Median over measured rounds, all captures together (total time / total frames). */
  readonly microsPerFrame: number;
  readonly framesPerSecond: number;
  readonly roundsMicrosPerFrame: number[];
  /** Median over rounds, per capture file. */
  readonly perCapture: Record<string, number>;
}

export interface IngestBenchReport extends BenchPlatform {
  startedAt: string;
  options: Omit<IngestBenchOptions, 'log' | 'outDir'>;
  corpus: (Pick<Capture, 'file' | 'symbol' | 'depth'> & CaptureFacts & { frames: number; prelude: number })[];
  variants: VariantResult[];
  ratios: {
    /** median (b) / median (a), and the spread of the same ratio round by round. */
    ingestOverJson: number; ingestOverJsonRounds: { min: number; max: number };
    fanoutOverJson: number; fanoutOverJsonRounds: { min: number; max: number };
    target: number; withinTarget: boolean;
  };
  /** (b) split by subtracting the medians of the stage variants, µs per frame. */
  breakdown: { parse: number; session: number; store: number; driver: number; fanout: number };
  checksums: { verifiedInTimedPasses: number; mismatches: number; perPass: number };
  fanout: { clients: number; bookDepth: number; framesPerClientPerPass: number; bytesPerClientPerPass: number;
    flush: string };
  file: string | null;
}


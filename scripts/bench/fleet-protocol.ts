// Messages between a bench and its bot-fleet.ts child processes (IPC).
export interface FleetConfig {
  readonly url: string;
  /** `gateway`: protocol v1 bots; `kraken`: bots on the venue itself (Kraken v2). */
  readonly protocol: 'gateway' | 'kraken';
  readonly clients: number;
  /** Extra bots that subscribe, then stop reading. */
  readonly stalled?: number;
  readonly subscriptions: readonly { readonly exchange: string; readonly symbol: string; readonly depth: number }[];
  readonly trades: boolean;
}

export type FleetCommand =
  | { readonly type: 'measure'; readonly firstIndex: number; readonly frames: number; readonly baseMicros: number }
  | { readonly type: 'count' }
  | { readonly type: 'finish'; readonly sentFile: string }
  | { readonly type: 'stop' };

export type FleetReport =
  | { readonly type: 'ready' }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'count'; readonly messages: number; readonly seqGaps: number }
  | { readonly type: 'result'; readonly histogram: number[]; readonly covered: number; readonly missing: number;
    readonly messages: number; readonly seqGaps: number };

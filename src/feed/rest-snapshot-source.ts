// REST depth snapshots for venues whose books are bridged from one (Binance). ONE instance per venue, shared by all
// its connections: the venue's REST limits are per IP, so every request of the venue goes through one queue and one
// weight budget. Requests are served FIFO across symbols, at most one per symbol; the weight budget (ours and the
// venue's view from its used-weight header) decides when the next may go, and a 429/418 pauses them all.
import { clearTimeout, setTimeout } from 'node:timers';
import type { ExchangeId } from '../exchanges/registry.ts';
import type { RestSnapshotSpec } from '../exchanges/types.ts';
import type { FeedObserver } from './feed-events.ts';
import { describeBody, errorText, parseRetryAfter, parseUsedWeight } from './rest-response.ts';
import { RestWeightBudget } from './rest-weight-budget.ts';
import { doublingDelayMs } from '../core/backoff.ts';

export interface RestSnapshotLimits {
  /** One request, body included. */
  readonly requestTimeoutMs: number;
  /** Backoff after a 5xx, network error or timeout: full jitter, doubling from min to max. */
  readonly retryMinDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Least pause after a 418 (IP ban): Binance bans last 2 minutes to 3 days and always say how long. */
  readonly banPauseMinMs: number;
  /** Fraction of the venue's per-IP weight limit the gateway allows itself (0 < share ≤ 1). */
  readonly weightShare: number;
  /** How long one Retry-After second lasts. Tests only (short pauses); default 1000. */
  readonly retryAfterUnitMs?: number;
}

export const DEFAULT_REST_SNAPSHOT_LIMITS: RestSnapshotLimits = {
  requestTimeoutMs: 10_000, retryMinDelayMs: 500, retryMaxDelayMs: 30_000, banPauseMinMs: 120_000, weightShare: 0.5,
};

export interface RestSnapshotSourceDeps {
  readonly exchange: ExchangeId;
  /** Config `exchanges.<venue>.restUrl`, e.g. `https://api.binance.com` or `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  readonly spec: RestSnapshotSpec;
  readonly limits: RestSnapshotLimits;
  readonly observe: FeedObserver;
  /** Epoch ms; every deadline uses it. */
  readonly now: () => number;
  /** Backoff jitter (default Math.random). */
  readonly random?: () => number;
  /** Default: Node's global fetch (TLS certificates are always verified). */
  readonly fetch?: typeof globalThis.fetch;
}

export interface SnapshotCallbacks {
  /** The body text of a 200 answer. */
  deliver(body: string, receivedAt: number): void;
  /** Final: the request is dropped. Transient failures are retried here and never reach this. */
  fail(reason: string, retryable: boolean): void;
}

// A type alias, not an interface: status pages take it as a plain record.
export type RestSnapshotStatus = {
  /** The IP's used weight per the venue's last header still within its window (else our own). */
  readonly usedWeight: number;
  /** Our own requests' weight in the sliding window. */
  readonly ownWeight: number;
  readonly pausedUntil: string | null;
  readonly banned: boolean;
  readonly queued: number;
  readonly inFlight: number;
};

interface Pending {
  readonly symbol: string;
  limit: number;
  callbacks: SnapshotCallbacks;
  /** Failed attempts so far (5xx, network, timeout): sets the backoff. */
  failures: number;
  attempts: number;
  /** Backoff: not sent before this (epoch ms). */
  notBefore: number;
  /** Set while the request is in flight. */
  abort: AbortController | undefined;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** Node fires longer timers at once (and a bogus Retry-After must not turn the pause into a busy loop). */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export class RestSnapshotSource {
  private readonly queue = new Map<string, Pending>();
  private readonly budget: RestWeightBudget;
  private readonly baseUrl: string;
  private pauseUntil = 0;
  private pauseIsBan = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: RestSnapshotSourceDeps) {
    const { perWindow, windowMs } = deps.spec.weightLimit;
    this.budget = new RestWeightBudget({ perWindow, windowMs, share: deps.limits.weightShare });
    this.baseUrl = deps.baseUrl.replace(/\/+$/, '');
  }

  /** Fetch one symbol's snapshot; one request per symbol: a second call while one is queued or in flight replaces its callbacks. */
  request(symbol: string, limit: number, callbacks: SnapshotCallbacks): void {
    if (this.stopped) return;
    const pending = this.queue.get(symbol);
    if (pending !== undefined) {
      pending.limit = limit;
      pending.callbacks = callbacks;
      return;
    }
    this.queue.set(symbol, { symbol, limit, callbacks, failures: 0, attempts: 0, notBefore: 0, abort: undefined });
    this.pump();
  }

  /** Drop a queued or in-flight request (its connection ended); its callbacks are not called. */
  cancel(symbol: string): void {
    const pending = this.queue.get(symbol);
    if (pending === undefined) return;
    this.queue.delete(symbol);
    pending.abort?.abort();
    this.pump();
  }

  /**
   * A request for `symbol` is queued (weight budget, 429/418 pause, backoff after a failure) or in flight: the book is
   * waiting on REST, not on the venue's stream, so its snapshot deadline proves nothing.
   */
  pending(symbol: string): boolean {
    return this.queue.has(symbol);
  }

  /** Epoch ms until which REST is paused (429 Retry-After, 418 ban), or 0. */
  pausedUntil(): number {
    return this.deps.now() < this.pauseUntil ? this.pauseUntil : 0;
  }

  status(): RestSnapshotStatus {
    const now = this.deps.now();
    const paused = now < this.pauseUntil;
    const ownWeight = this.budget.used(now);
    let inFlight = 0;
    for (const pending of this.queue.values()) if (pending.abort !== undefined) inFlight++;
    return { usedWeight: this.budget.serverUsed(now) ?? ownWeight, ownWeight,
      pausedUntil: paused ? new Date(this.pauseUntil).toISOString() : null, banned: paused && this.pauseIsBan,
      queued: this.queue.size - inFlight, inFlight };
  }

  /** Cancel timers and abort in-flight requests; no callback is called afterwards. Idempotent. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
    for (const pending of this.queue.values()) pending.abort?.abort();
    this.queue.clear();
  }

  /** Send what may go now; otherwise wake up when the earliest blocker clears (never a busy loop). */
  private pump(): void {
    this.clearTimer();
    if (this.stopped) return;
    const now = this.deps.now();
    if (now < this.pauseUntil) {
      this.wakeAt(this.pauseUntil, now);
      return;
    }
    let wake = Infinity;
    // Told after the loop: a callback may request again, and pump() must not run inside itself.
    const unbuildable: [Pending, string][] = [];
    for (const pending of this.queue.values()) {
      if (pending.abort !== undefined) continue;
      // A symbol backing off does not hold up the others.
      if (pending.notBefore > now) {
        wake = Math.min(wake, pending.notBefore);
        continue;
      }
      let request: { readonly path: string; readonly weight: number };
      try {
        request = this.deps.spec.request(pending.symbol, pending.limit);
      } catch (error) {
        this.queue.delete(pending.symbol);
        unbuildable.push([pending, `cannot build the request: ${errorText(error)}`]);
        continue;
      }
      const freeAt = this.budget.freeAt(request.weight, now);
      if (freeAt > now) {
        // FIFO: a lighter request behind the head does not overtake it (the head would starve).
        wake = Math.min(wake, freeAt);
        break;
      }
      this.send(pending, request, now);
    }
    if (wake !== Infinity) this.wakeAt(wake, now);
    for (const [pending, detail] of unbuildable) this.giveUp(pending, 0, detail, undefined, 0);
  }

  private send(pending: Pending, request: { readonly path: string; readonly weight: number }, sentAt: number): void {
    const id = this.budget.reserve(request.weight, sentAt);
    const abort = new AbortController();
    pending.abort = abort;
    pending.attempts++;
    const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(this.deps.limits.requestTimeoutMs)]);
    const fetchFn = this.deps.fetch ?? globalThis.fetch;
    void fetchFn(`${this.baseUrl}${request.path}`, { signal, headers: { accept: 'application/json' } })
      .then(async (response): Promise<Answer> => ({ status: response.status, headers: response.headers, body: await response.text() }))
      .then(
        (answer) => this.answered(pending, abort, request.weight, id, sentAt, answer),
        (error: unknown) => this.unanswered(pending, abort, sentAt, error),
      );
  }

  private current(pending: Pending, abort: AbortController): boolean {
    return !this.stopped && this.queue.get(pending.symbol) === pending && pending.abort === abort;
  }

  private answered(pending: Pending, abort: AbortController, weight: number, id: number, sentAt: number, answer: Answer): void {
    if (this.stopped) return;
    const now = this.deps.now();
    const usedWeight = parseUsedWeight(answer.headers.get(this.deps.spec.usedWeightHeader));
    // Weight counts even for an answer nobody waits for any more. Not after a 429/418: its Retry-After is the venue's
    // own word on when the weight frees, and the pause already holds everything until then.
    const limited = answer.status === 429 || answer.status === 418;
    if (usedWeight !== undefined && !limited) this.budget.observeServer(usedWeight, id, now);
    if (!this.current(pending, abort)) return;
    pending.abort = undefined;
    const { status } = answer;
    const durationMs = now - sentAt;
    // The queue moves on even if a callback throws.
    try {
      if (status === 200) {
        this.queue.delete(pending.symbol);
        this.deps.observe({ type: 'snapshot_fetched', exchange: this.deps.exchange, symbol: pending.symbol, status, weight,
          usedWeight, durationMs, attempts: pending.attempts });
        pending.callbacks.deliver(answer.body, now);
      } else if (status === 429 || status === 418) {
        pending.attempts--;
        this.rateLimited(pending.symbol, status, answer.headers.get('retry-after'), usedWeight, now);
      } else if (status >= 500 || status === 408) {
        this.retryLater(pending, status, `HTTP ${status}: ${describeBody(answer.body)}`, usedWeight, durationMs, now);
      } else {
        this.giveUp(pending, status, `HTTP ${status}: ${describeBody(answer.body)}`, usedWeight, durationMs);
      }
    } finally {
      this.pump();
    }
  }

  private unanswered(pending: Pending, abort: AbortController, sentAt: number, error: unknown): void {
    if (!this.current(pending, abort)) return;
    pending.abort = undefined;
    const now = this.deps.now();
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const detail = timedOut ? `no complete answer within ${this.deps.limits.requestTimeoutMs} ms` : errorText(error);
    this.retryLater(pending, 0, detail, undefined, now - sentAt, now);
    this.pump();
  }

  /** Everything waits (the request stays queued): continuing after a 429 is what gets an IP banned. */
  private rateLimited(symbol: string, status: 429 | 418, retryAfter: string | null, usedWeight: number | undefined, now: number): void {
    const { limits, spec } = this.deps;
    const told = parseRetryAfter(retryAfter, limits.retryAfterUnitMs ?? 1000, now);
    // Without Retry-After, a 429 waits one weight window: by then all weight the venue counted has expired.
    const retryAfterMs = status === 418 ? Math.max(told ?? 0, limits.banPauseMinMs) : told ?? spec.weightLimit.windowMs;
    const until = now + retryAfterMs;
    if (until >= this.pauseUntil) {
      this.pauseUntil = until;
      this.pauseIsBan = status === 418;
    }
    this.deps.observe({ type: 'rest_rate_limited', exchange: this.deps.exchange, symbol, status, retryAfterMs, until,
      retryAfterSent: told !== undefined, usedWeight });
  }

  private retryLater(pending: Pending, status: number, detail: string, usedWeight: number | undefined, durationMs: number,
    now: number): void {
    const { retryMinDelayMs, retryMaxDelayMs } = this.deps.limits;
    const ceiling = doublingDelayMs(retryMinDelayMs, pending.failures, retryMaxDelayMs);
    pending.failures++;
    const retryInMs = Math.floor((this.deps.random ?? Math.random)() * ceiling);
    pending.notBefore = now + retryInMs;
    this.deps.observe({ type: 'snapshot_failed', exchange: this.deps.exchange, symbol: pending.symbol, status, detail,
      retryInMs, usedWeight, durationMs });
  }

  private giveUp(pending: Pending, status: number, detail: string, usedWeight: number | undefined, durationMs: number): void {
    if (this.queue.get(pending.symbol) === pending) this.queue.delete(pending.symbol);
    this.deps.observe({ type: 'snapshot_failed', exchange: this.deps.exchange, symbol: pending.symbol, status, detail,
      usedWeight, durationMs });
    pending.callbacks.fail(detail, false);
  }

  private wakeAt(at: number, now: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.min(MAX_TIMER_DELAY_MS, Math.max(1, at - now)));
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

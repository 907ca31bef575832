// Feeds Coinbase frames through a session (its sliced frames drained at once) into a BookStore, the pipeline the
// gateway runs per connection minus sockets and timers.
import { applyVenueEvent } from '../../src/book/book-sync.ts';
import { BookStore } from '../../src/book/book-store.ts';
import { coinbaseAdapter } from '../../src/exchanges/coinbase/index.ts';
import { COINBASE_DEFAULT_BOOK_DEPTH } from '../../src/exchanges/coinbase/spec.ts';
import type { SessionAction, SessionOutput, VenueEvent, VenueSession } from '../../src/exchanges/types.ts';

/** Every event and action of one frame, its slices included, in order. */
export function drain(output: SessionOutput, now = 0): SessionOutput {
  const events: VenueEvent[] = [...output.events];
  const actions: SessionAction[] = [...output.actions];
  let next = output.next;
  while (next !== undefined) {
    const more = next(now);
    events.push(...more.events);
    actions.push(...more.actions);
    next = more.next;
  }
  return { events, actions };
}

export interface CoinbaseFeed {
  readonly session: VenueSession;
  readonly store: BookStore;
  readonly events: VenueEvent[];
  readonly actions: SessionAction[];
  frame(text: string): SessionOutput;
}

export function coinbaseFeed(symbols: readonly string[], options: { depth?: number; tradeSnapshot?: boolean } = {}): CoinbaseFeed {
  const depth = options.depth ?? COINBASE_DEFAULT_BOOK_DEPTH;
  const session = coinbaseAdapter.createSession({ symbols, bookDepth: depth, tradeSnapshot: options.tradeSnapshot ?? true });
  const store = new BookStore({ tradeBufferSize: 1000 });
  for (const symbol of symbols) store.register('coinbase', symbol, { depth, exactPrefix: true });
  const events: VenueEvent[] = [];
  const actions: SessionAction[] = [];
  const take = (output: SessionOutput): SessionOutput => {
    const all = drain(output);
    for (const event of all.events) {
      events.push(event);
      const outcome = applyVenueEvent(store, 'coinbase', event);
      if (outcome.failure !== undefined) throw new Error(outcome.failure.message);
    }
    actions.push(...all.actions);
    return all;
  };
  take(session.onOpen(0));
  return { session, store, events, actions, frame: (text) => take(session.onFrame(text, 0)) };
}

// What Kraken sends a depth-N subscriber for one batch of true-book changes (kraken-v2.md §4.3, observed on the
// wire): every change inside the window, in order (unsorted, repeats kept); for each level that left the window
// because it was deleted, the level now entering at position N (the "backfill"); never a delete for a level that
// was merely pushed out by a better one — the client truncates to N itself.
import { BookSide } from '../../book/book-side.ts';
import type { LevelText } from '../../core/model.ts';
import type { BookSideName, BookView, LevelChange } from './true-book.ts';

/**
 * @param before the subscriber's book before the batch (true top `depth`)
 * @param after the true top `depth` after the batch
 * @param zeroQty a delete's size text at the instrument's qty precision (`0.00000000`)
 */
export function windowedUpdate(
  before: BookView, changes: readonly LevelChange[], after: BookView, depth: number, zeroQty: string,
): { bids: LevelText[]; asks: LevelText[] } {
  return {
    bids: windowedSide('bids', before.bids, changes, after.bids, depth, zeroQty),
    asks: windowedSide('asks', before.asks, changes, after.asks, depth, zeroQty),
  };
}

function windowedSide(
  side: BookSideName, before: readonly LevelText[], changes: readonly LevelChange[], target: readonly LevelText[],
  depth: number, zeroQty: string,
): LevelText[] {
  const sent: LevelText[] = [];
  for (const change of changes) if (change.side === side && change.rank < depth) sent.push([change.price, change.qty]);
  const client = new BookSide(side);
  for (const [price, qty] of before) client.set(price, qty);
  for (const [price, qty] of sent) client.set(price, qty);
  client.truncate(depth);
  const held = new Map(client.top(depth).map(([price, qty]) => [price, qty]));
  const wanted = new Set(target.map(([price]) => price));
  const worstWanted = target.at(-1);
  const full = target.length >= depth && worstWanted !== undefined;
  const deletes: LevelText[] = [];
  for (const [price] of held) {
    if (wanted.has(price)) continue;
    // A held level worse than the full window's worst leaves by truncation: no delete, as on the wire.
    const leavesByTruncation = full && isWorse(side, price, worstWanted[0]);
    if (!leavesByTruncation) deletes.push([price, zeroQty]);
  }
  const backfill = target.filter(([price, qty]) => held.get(price) !== qty);
  return [...sent, ...deletes, ...backfill];
}

function isWorse(side: BookSideName, price: string, than: string): boolean {
  return side === 'bids' ? Number(price) < Number(than) : Number(price) > Number(than);
}

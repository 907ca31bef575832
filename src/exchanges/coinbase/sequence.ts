// One connection's `sequence_num` check (coinbase-advanced.md §4). The counter is per connection and shared by every
// channel and product: 0 on a new connection, +1 per frame (error frames carry none). Anything else means a frame was
// lost, repeated or reordered, and every book on the connection is suspect. A resubscribe on the same socket does not
// restart the count, so only a new connection starts a trustworthy stream again.

export type SequenceVerdict =
  | { readonly kind: 'next' }
  /** `got > expected`: frames expected … got-1 never arrived. */
  | { readonly kind: 'gap'; readonly expected: number; readonly got: number }
  /** `got < expected`: a frame seen before (or one that arrived after its successors). */
  | { readonly kind: 'repeat'; readonly expected: number; readonly got: number };

const NEXT: SequenceVerdict = { kind: 'next' };

export class ConnectionSequence {
  /** The `sequence_num` the next frame must carry. */
  private expected = 0;
  /** Frames accepted in order. */
  accepted = 0;

  check(got: number): SequenceVerdict {
    if (got === this.expected) {
      this.expected++;
      this.accepted++;
      return NEXT;
    }
    return got > this.expected
      ? { kind: 'gap', expected: this.expected, got }
      : { kind: 'repeat', expected: this.expected, got };
  }

  /** The sequence number the next frame must carry. */
  get next(): number {
    return this.expected;
  }
}

export function describeBreak(verdict: Exclude<SequenceVerdict, { kind: 'next' }>): string {
  if (verdict.kind === 'gap' && verdict.expected === 0) {
    return `the connection's first frame carried sequence_num ${verdict.got}, not 0 (${verdict.got} frame(s) lost)`;
  }
  return verdict.kind === 'gap'
    ? `sequence_num jumped from ${verdict.expected - 1} to ${verdict.got} (${verdict.got - verdict.expected} frame(s) lost)`
    : `sequence_num ${verdict.got} arrived when ${verdict.expected} was due (a repeated or reordered frame)`;
}

// Sizes of resting orders in the simulated markets: log-uniform between a minimum and a maximum in lots, sometimes
// a round number, like real resting orders.
import type { SeededRandom } from './seeded-random.ts';

export function restingLots(random: SeededRandom, minLots: number, maxLots: number): number {
  const value = minLots * Math.exp(random.next() * Math.log(maxLots / minLots));
  if (random.chance(0.25)) {
    const round = 10 ** Math.floor(Math.log10(value));
    return Math.max(1, Math.round(value / round) * round);
  }
  return Math.max(1, Math.round(value));
}

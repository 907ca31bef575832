// Event-loop delay as a histogram (mgw_event_loop_delay_seconds): a 10 ms timer measures how late it runs; the
// lateness of each tick is one observation. Unref'd, stopped with the gateway.
import { performance } from 'node:perf_hooks';

const INTERVAL_MS = 10;

export function watchLoopDelay(observe: (seconds: number) => void): () => void {
  let expected = performance.now() + INTERVAL_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    observe(Math.max(0, now - expected) / 1000);
    expected = now + INTERVAL_MS;
  }, INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

// `npm run bench [-- <name> [options]]`: runs every benchmark, or the one named. Results go to bench/results/.
//   npm run bench                      all benchmarks, default options (about 10 minutes)
//   npm run bench -- ingest [options]  ingest path vs JSON.parse, Kraken, Binance, Coinbase (--venue
//                                      kraken|binance|coinbase|all; options: scripts/bench/ingest-venues.ts, ingest.ts,
//                                      ingest-binance.ts, ingest-coinbase.ts; Coinbase adds the event-loop figures)
//   npm run bench -- hub [options]     uWebSockets.js (native publish) vs ws fan-out (options: scripts/bench/hub.ts)
//   npm run bench -- e2e|fanout|latency|memory|vs-ccxt [--option value …]: the daemon as a child process (options: each file's DEFAULTS)
// An unknown name prints this usage and exits 2; a failed benchmark (e.g. a checksum mismatch) exits 1.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runHubBench } from './hub.ts';
import { parseIngestCommand, runIngestCommand } from './ingest-venues.ts';
import { runE2eBench } from './e2e.ts';
import { runFanoutBench } from './fanout.ts';
import { runLatencyBench } from './latency.ts';
import { runMemoryBench } from './memory.ts';
import { runVsCcxtBench } from './vs-ccxt.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Bench {
  readonly about: string;
  /** Throws on a bad option (reported with the usage, exit 2). */
  check(args: readonly string[]): void;
  run(args: readonly string[]): Promise<void>;
}

const BENCHES: Record<string, Bench> = {
  ingest: {
    about: 'Kraken, Binance and Coinbase frame → session → BookStore [→ fan-out], µs/frame vs bare JSON.parse (--venue)',
    check: (args) => void parseIngestCommand(args),
    async run(args) {
      await runIngestCommand(parseIngestCommand(args));
    },
  },
  hub: {
    about: 'downstream hub engines (uWebSockets.js vs ws): CPU and latency per published message',
    check: () => undefined,
    async run(args) {
      if (args.length === 0) {
        await runHubBench();
        return;
      }
      // hub.ts parses its own options only as a CLI: run it as one, in a child with the same loader.
      const child = fork(fileURLToPath(new URL('./hub.ts', import.meta.url)), [...args],
        { execArgv: process.execArgv, stdio: 'inherit' });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      if (code !== 0) throw new Error(`hub bench exited with ${code}`);
    },
  },
  e2e: {
    about: 'the whole daemon fed by real Kraken captures, bots in their own processes: CPU per frame vs JSON.parse',
    check: () => undefined,
    run: (args) => runE2eBench(args, REPO_ROOT),
  },
  fanout: {
    about: 'the daemon fanning one book out to 1/10/100 bots at 1k/20k/100k updates/s: latency, CPU, uWS vs ws hub',
    check: () => undefined,
    run: (args) => runFanoutBench(args, REPO_ROOT),
  },
  latency: {
    about: 'venue send → bot receipt per frame, direct vs through the gateway daemon (issue 14 method; SVG)',
    check: () => undefined,
    run: (args) => runLatencyBench(args, REPO_ROOT),
  },
  memory: {
    about: '500 books × depth 100 + 100 bots on the Binance simulator: RSS, heap, event-loop delay over time (--minutes; SVG)',
    check: () => undefined,
    run: (args) => runMemoryBench(args, REPO_ROOT),
  },
  'vs-ccxt': {
    about: '10 bots through the gateway vs 10 ccxt pro watchOrderBook clients, same Binance feed: total CPU (installs ccxt outside the repo)',
    check: () => undefined,
    run: (args) => runVsCcxtBench(args, REPO_ROOT),
  },
};

function usage(): string {
  return ['usage: npm run bench [-- <name> [options]]', '', 'benchmarks (all run when no name is given):',
    ...Object.entries(BENCHES).map(([name, bench]) => `  ${name.padEnd(8)} ${bench.about}`)].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h') {
    console.log(usage());
    return 0;
  }
  if (name !== undefined && !Object.hasOwn(BENCHES, name)) {
    console.error(`unknown benchmark "${name}"\n\n${usage()}`);
    return 2;
  }
  const selected = name === undefined ? Object.keys(BENCHES) : [name];
  if (name !== undefined) {
    try {
      BENCHES[name].check(args);
    } catch (error) {
      console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage()}`);
      return 2;
    }
  }
  for (const each of selected) {
    console.log(`== bench ${each} ==`);
    await BENCHES[each].run(name === undefined ? [] : args);
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  console.error(error instanceof Error && error.name === 'IntegrityAlarm' ? `\n!!! ${error.message}\n` : error);
  process.exitCode = 1;
});

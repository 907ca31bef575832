// The gateway's command line: `--config <file.json>` and `--print-config`. Everything else is configured by
// keys (file or MGW_* variables), so an unexpected argument is a mistake worth stopping for.
import type { ConfigProblem } from './config-error.ts';

export interface CommandLine {
  readonly configFile: string | undefined;
  readonly printConfig: boolean;
}

export const USAGE = 'usage: market-gateway [--config <file.json>] [--print-config] [--help] [--version]';

/** `--help` / `-h` and `--version` / `-V` answer and exit 0 whatever else is on the command line. */
export function informationRequest(argv: readonly string[]): 'help' | 'version' | undefined {
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return 'help';
  if (argv.some((arg) => arg === '--version' || arg === '-V')) return 'version';
  return undefined;
}

export const HELP_TEXT = `market-gateway: keeps exchange WebSocket sessions alive and serves verified market data to local bots.

${USAGE}

  --config <file.json>  merge this JSON file over the defaults (an example: config/example.json)
  --print-config        print the effective configuration (secrets redacted) and exit
  --help, -h            print this help and exit
  --version, -V         print the version and exit

Operator tools (they do not start a gateway):
  status [--url <base> | --config <file.json>] [--once]   live status view of a running gateway
  replay <recording or incident bundle> [--json]          play a flight recording back through the adapters

Every key can also be set by an MGW_* environment variable named after its path
(server.port -> MGW_SERVER_PORT, exchanges.kraken.symbols -> MGW_EXCHANGES_KRAKEN_SYMBOLS).
The configuration reference (every key, its default and meaning) is in README.md, section "Configuration".
Bots connect to ws://127.0.0.1:8787/v1/ws by default; GET /readyz answers 200 once every book is live.
Exit codes: 0 stopped cleanly, 1 start-up failed (port or log directory in use), 2 invalid configuration.
`;

export function parseCommandLine(argv: readonly string[]): { readonly options: CommandLine; readonly problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  let configFile: string | undefined;
  let printConfig = false;
  const setConfig = (value: string | undefined): void => {
    if (value === undefined || value === '' || value.startsWith('--')) {
      problems.push({ key: '--config', reason: `needs a file path (${USAGE})` });
    } else if (configFile !== undefined) {
      problems.push({ key: '--config', reason: `given more than once ("${configFile}" and "${value}")` });
    } else {
      configFile = value;
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--config') {
      const value = argv[i + 1];
      setConfig(value);
      if (value !== undefined && !value.startsWith('--')) i++;
    } else if (arg.startsWith('--config=')) {
      setConfig(arg.slice('--config='.length));
    } else if (arg === '--print-config') {
      printConfig = true;
    } else {
      problems.push({ key: arg, reason: `unknown command-line argument (${USAGE}; other settings are MGW_* variables `
        + 'or keys in the config file)' });
    }
  }
  return { options: { configFile, printConfig }, problems };
}

// The gateway's command line: `--config <file.json>` and `--print-config`. Everything else is configured by
// keys (file or MGW_* variables), so an unexpected argument is a mistake worth stopping for.
import type { ConfigProblem } from './config-error.ts';

export interface CommandLine {
  readonly configFile: string | undefined;
  readonly printConfig: boolean;
}

export const USAGE = 'usage: market-gateway [--config <file.json>] [--print-config]';

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

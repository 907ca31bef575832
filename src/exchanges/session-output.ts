// Building blocks for the SessionOutput values venue sessions return.
import type { ReportLevel, SessionAction, SessionOutput } from './types.ts';

export function reportAction(level: ReportLevel, code: string, message: string, symbol?: string): SessionAction {
  return symbol === undefined ? { type: 'report', level, code, message } : { type: 'report', level, code, message, symbol };
}

/** Output with actions and no events. */
export function actionsOnly(...actions: SessionAction[]): SessionOutput {
  return { events: [], actions };
}

// Reads a few gauges from the gateway's Prometheus text (/metrics): heap used, event-loop delay.
export function gaugeValue(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return match === null ? Number.NaN : Number(match[1]);
}

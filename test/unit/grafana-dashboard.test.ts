// config/grafana/market-gateway.json: every query names only metrics the gateway exports, and the dashboard covers
// what the operations brief asks for (connection state, data age, book state, resyncs, frames/s, fan-out, clients,
// event-loop lag, RSS).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createMetrics } from '../../src/observability/metrics.ts';

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: readonly { readonly expr: string }[];
}

const dashboard = JSON.parse(readFileSync(new URL('../../config/grafana/market-gateway.json', import.meta.url), 'utf8')) as {
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { readonly query?: string }[] };
};
const METRIC_NAME = /\b(?:mgw|process|nodejs)_[a-zA-Z0-9_]+\b/g;

/** Every sample name in an exposition: histogram names plus their _bucket/_sum/_count series. */
async function exportedNames(): Promise<Set<string>> {
  const metrics = createMetrics({ engine: 'uws', version: '0.1.0', exchanges: ['kraken', 'binance'], restExchanges: ['binance'] });
  metrics.registerBook('kraken', 'BTC/USD');
  metrics.registerConnection('kraken', 1);
  const text = await metrics.metricsText();
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(match[1]!);
    if (match[2] === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${match[1]}${suffix}`);
  }
  return names;
}

describe('Grafana dashboard', () => {
  it('queries only metrics the gateway exports', async () => {
    const exported = await exportedNames();
    const queries = [...dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr),
      ...dashboard.templating.list.map((variable) => variable.query ?? '')];
    const named = queries.flatMap((expr) => [...expr.matchAll(METRIC_NAME)].map((match) => match[0]));
    assert.ok(named.length >= 25, `${named.length} metric references`);
    assert.deepEqual([...new Set(named.filter((name) => !exported.has(name)))], []);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      assert.ok((panel.targets ?? []).every((target) => target.expr.match(METRIC_NAME) !== null), `${panel.title} queries a metric`);
    }
  });

  it('has a panel for each thing an operator watches', () => {
    const text = JSON.stringify(dashboard.panels.map((panel) => panel.targets ?? []));
    for (const metric of ['mgw_upstream_connection_state', 'mgw_upstream_seconds_since_last_data', 'mgw_book_state',
      'mgw_book_resyncs_total', 'mgw_upstream_frames_received_total', 'mgw_client_messages_sent_total',
      'mgw_frame_processing_seconds_bucket', 'mgw_clients_connected', 'nodejs_eventloop_lag_p99_seconds',
      'process_resident_memory_bytes', 'mgw_book_integrity_failures_total', 'mgw_upstream_circuit_open']) {
      assert.ok(text.includes(metric), metric);
    }
  });
});

// A real Prometheus with the shipped scrape config and alert rules scrapes a gateway running against the Kraken
// simulator; its HTTP API then answers for book state, reconnects, checksum mismatches (present, 0) and event-loop
// lag. The gateway's exposition also passes `promtool check metrics`.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { startKrakenSimulator, type KrakenSimulator } from '../../src/sim/kraken/server.ts';
import { checkTool, run } from '../support/external-tools.ts';
import { testConfig } from '../support/gateway-stack.ts';
import { freePort } from '../support/gateway-process.ts';
import { waitFor } from '../support/wait-for.ts';

const SHIPPED = fileURLToPath(new URL('../../config/prometheus/', import.meta.url));
const prometheus = checkTool('prometheus', 'prometheus', 'REQUIRE_PROMETHEUS');
const promtool = checkTool('promtool', 'prometheus', 'REQUIRE_PROMETHEUS');

interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** The shipped prometheus.yml with the target moved to the test gateway, a 1 s scrape and the rules by absolute path. */
function testScrapeConfig(shipped: string, target: string, rulesPath: string): string {
  const text = shipped
    .replace('"127.0.0.1:8787"', `"${target}"`)
    .replace(/scrape_interval: \d+s\n(\s+)scrape_timeout: \d+s/, 'scrape_interval: 1s\n$1scrape_timeout: 1s')
    .replace('  - alerts.yml', `  - ${rulesPath}`);
  assert.ok(text.includes(target) && text.includes('scrape_interval: 1s') && text.includes(rulesPath), 'config rewritten');
  return text;
}

describe('real Prometheus scrapes the gateway', { skip: prometheus.skip || promtool.skip }, () => {
  let sim: KrakenSimulator | undefined;
  let gateway: Gateway | undefined;
  let server: ChildProcess | undefined;
  let api = '';
  let output = '';

  const query = async (expr: string): Promise<Sample[]> => {
    const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = await response.json() as { status: string; data: { result: Sample[] } };
    assert.equal(body.status, 'success', expr);
    return body.data.result;
  };

  before(async () => {
    assert.ok(prometheus.found && promtool.found, 'prometheus and promtool are installed');
    sim = await startKrakenSimulator({ seed: 5 });
    gateway = createGateway(testConfig(sim.url));
    const { port } = await gateway.start();
    const dir = mkdtempSync(join(tmpdir(), 'mgw-prometheus-'));
    const configPath = join(dir, 'prometheus.yml');
    writeFileSync(configPath, testScrapeConfig(readFileSync(`${SHIPPED}prometheus.yml`, 'utf8'), `127.0.0.1:${port}`,
      `${SHIPPED}alerts.yml`));
    const apiPort = await freePort();
    api = `http://127.0.0.1:${apiPort}`;
    server = spawn('prometheus', [`--config.file=${configPath}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${apiPort}`, '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    server.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    await waitFor(async () => (await query('up{job="market-gateway"} == 1').catch(() => [])).length === 1, 60_000,
      `Prometheus scraped the gateway (${output.slice(-500)})`);
    await waitFor(async () => (await query('mgw_book_state{state="live"} == 1')).length === 2, 30_000, 'both books live in a scrape');
  });

  after(async () => {
    server?.kill('SIGTERM');
    await gateway?.stop();
    await sim?.stop();
  });

  it('answers book state, reconnects, checksum mismatches (present at 0) and event-loop lag', async () => {
    const live = await query('mgw_book_state{state="live"}');
    assert.deepEqual(live.map((s) => [s.metric.symbol, s.value[1]]).sort(), [['BTC/USD', '1'], ['ETH/USD', '1']]);
    const mismatches = await query('mgw_book_checksum_mismatches_total');
    assert.deepEqual(mismatches.map((s) => [s.metric.exchange, s.metric.symbol, s.value[1]]).sort(),
      [['kraken', 'BTC/USD', '0'], ['kraken', 'ETH/USD', '0']]);
    const reconnects = await query('sum by (exchange) (mgw_upstream_reconnects_total)');
    assert.deepEqual(reconnects.map((s) => [s.metric.exchange, s.value[1]]), [['kraken', '0']]);
    const closed = await query('mgw_upstream_reconnects_total{reason="closed"}');
    assert.equal(closed.length, 1, 'each reconnect reason exists before its first reconnect');
    const lag = await query('nodejs_eventloop_lag_p99_seconds{job="market-gateway"}');
    assert.equal(lag.length, 1);
    assert.ok(Number(lag[0]!.value[1]) >= 0 && Number(lag[0]!.value[1]) < 1, `event-loop p99 ${lag[0]!.value[1]} s`);
    const rss = await query('process_resident_memory_bytes');
    assert.ok(Number(rss[0]!.value[1]) > 10e6, 'process metrics under their standard names');
  });

  it('loads the shipped alert rules; none fires on a healthy gateway', async () => {
    const response = await fetch(`${api}/api/v1/rules`);
    const body = await response.json() as { data: { groups: { rules: { name: string; state: string }[] }[] } };
    const rules = body.data.groups.flatMap((group) => group.rules);
    assert.equal(rules.length, 16);
    assert.deepEqual(rules.filter((rule) => rule.state === 'firing').map((rule) => rule.name), []);
  });

  it('the exposition passes promtool check metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${gateway!.port()}/metrics`)).text();
    const { status, output: lint } = run('promtool', ['check', 'metrics'], text);
    assert.equal(lint, '');
    assert.equal(status, 0);
  });
});

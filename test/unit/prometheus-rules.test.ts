// The shipped Prometheus files: config/prometheus/prometheus.yml and alerts.yml pass promtool's checks, and every
// alert fires on its synthetic failure and stays quiet on a healthy gateway (promtool test rules alerts.test.yml).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkTool, run } from '../support/external-tools.ts';

const DIR = fileURLToPath(new URL('../../config/prometheus/', import.meta.url));
const promtool = checkTool('promtool', 'prometheus', 'REQUIRE_PROMETHEUS');

describe('config/prometheus with promtool', () => {
  it('alerts.yml passes promtool check rules', { skip: promtool.skip }, () => {
    assert.ok(promtool.found, 'promtool is installed');
    const { status, output } = run('promtool', ['check', 'rules', `${DIR}alerts.yml`]);
    assert.equal(status, 0, output);
    assert.match(output, /SUCCESS: 16 rules found/);
  });

  it('prometheus.yml passes promtool check config', { skip: promtool.skip }, () => {
    const { status, output } = run('promtool', ['check', 'config', `${DIR}prometheus.yml`]);
    assert.equal(status, 0, output);
  });

  it('every alert passes its unit tests (promtool test rules)', { skip: promtool.skip }, () => {
    const { status, output } = run('promtool', ['test', 'rules', `${DIR}alerts.test.yml`]);
    assert.equal(status, 0, output);
    assert.match(output, /SUCCESS/);
  });
});

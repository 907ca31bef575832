import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import {
  createClientHub, loadUwsNative, uwsBinaryName, type UwsLoadResult,
} from '../../src/server/hub-loader.ts';
import { isUwsNative } from '../../src/server/uws-api.ts';
import { nativeHubSkip } from '../support/native-hub.ts';

const unavailable = (): UwsLoadResult => ({ ok: false, reason: 'no binary for this test' });

describe('hub-loader', () => {
  it('loads the native uWebSockets.js binary on this machine', { skip: nativeHubSkip }, () => {
    const result = loadUwsNative();
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.match(result.detail,
      /^@(trufflesuite\/uws-js-unofficial|btc-vision\/uwebsockets\.js)@\d+\.\d+\.\d+\S* \(native /);
    assert.ok(result.detail.endsWith(`(native ${uwsBinaryName()})`), result.detail);
    assert.equal(typeof result.uws.App, 'function');
  });

  it('reports every candidate that failed, without throwing', () => {
    const result = loadUwsNative([
      { packageName: '@example/not-installed-uws', binaryDir: '.' },
      { packageName: 'ws', binaryDir: 'binaries' },
    ]);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /@example\/not-installed-uws: not installed; ws@\S+: uws_.*\.node: /);
  });

  it('rejects the pure-JS shim that @trufflesuite/uws-js-unofficial falls back to', () => {
    const shim: unknown = createRequire(import.meta.url)('@trufflesuite/uws-js-unofficial/dist/index.js');
    assert.equal(typeof (shim as { App?: unknown }).App, 'function');
    assert.equal(isUwsNative(shim), false);
  });

  it("'auto' and 'uws' pick native uWS without a warning", { skip: nativeHubSkip }, () => {
    const warnings: string[] = [];
    assert.equal(createClientHub('auto', (m) => warnings.push(m)).engine, 'uWebSockets.js');
    assert.equal(createClientHub('uws', (m) => warnings.push(m)).engine, 'uWebSockets.js');
    assert.deepEqual(warnings, []);
  });

  it("'ws' picks ws without trying native uWS", () => {
    const warnings: string[] = [];
    const ws = createClientHub('ws', (m) => warnings.push(m), () => assert.fail('the native loader was called'));
    assert.equal(ws.engine, 'ws');
    assert.match(ws.engineDetail, /^ws@\d+/);
    assert.deepEqual(warnings, []);
  });

  it("'auto' falls back to ws with a loud warning when native uWS is unavailable", () => {
    const warnings: string[] = [];
    const hub = createClientHub('auto', (m) => warnings.push(m), unavailable);
    assert.equal(hub.engine, 'ws');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /UNAVAILABLE.*no binary for this test/);
  });

  it("'uws' throws a clear error when native uWS is unavailable", () => {
    assert.throws(() => createClientHub('uws', () => undefined, unavailable),
      /hub engine 'uws' requested but native uWebSockets\.js could not be loaded \(no binary for this test\)/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UwsLoadResult } from '../../src/server/hub-loader.ts';
import type { UwsNative } from '../../src/server/uws-api.ts';
import { nativeSkipReason } from '../support/native-hub.ts';

const missing: UwsLoadResult = { ok: false, reason: 'uws_linux_x64_137.node: GLIBC_2.38 not found' };
const loaded: UwsLoadResult = { ok: true, uws: {} as UwsNative, detail: 'native' };

describe('native-hub test skips', () => {
  it('skip with the loader reason where no native build loads', () => {
    const reason = nativeSkipReason(missing, {});
    assert.ok(reason !== false);
    assert.match(reason, /^no native uWebSockets\.js for node v\d+.*GLIBC_2\.38 not found.*MGW_REQUIRE_NATIVE_UWS=1 makes this a failure$/);
  });

  it('run (and so fail) when MGW_REQUIRE_NATIVE_UWS=1, and run wherever native loads', () => {
    assert.equal(nativeSkipReason(missing, { MGW_REQUIRE_NATIVE_UWS: '1' }), false);
    assert.equal(nativeSkipReason(loaded, {}), false);
    assert.notEqual(nativeSkipReason(missing, { MGW_REQUIRE_NATIVE_UWS: '0' }), false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CRC32_INIT, crc32Ascii, crc32Finish, crc32UpdateAscii } from '../../src/core/crc32.ts';
import { readKrakenDoc } from '../support/kraken-fixtures.ts';

describe('crc32 (IEEE, zlib)', () => {
  it('check value of "123456789" is 0xCBF43926', () => {
    assert.equal(crc32Ascii('123456789'), 0xcbf43926);
  });

  it('"The quick brown fox jumps over the lazy dog" is 0x414FA339; empty input is 0', () => {
    assert.equal(crc32Ascii('The quick brown fox jumps over the lazy dog'), 0x414fa339);
    assert.equal(crc32Ascii(''), 0);
  });

  it('Kraken checksum guide input gives the published 3310070434, also when fed in pieces', () => {
    const { checksum_input: input } = JSON.parse(readKrakenDoc('book_checksum_guide_btcusd_expected.json')) as
      { checksum_input: string };
    assert.equal(crc32Ascii(input), 3310070434);
    let crc = CRC32_INIT;
    for (let i = 0; i < input.length; i += 7) crc = crc32UpdateAscii(crc, input.slice(i, i + 7));
    assert.equal(crc32Finish(crc), 3310070434);
  });
});

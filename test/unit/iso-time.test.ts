import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IsoTimeFormatter } from '../../src/core/iso-time.ts';

describe('IsoTimeFormatter', () => {
  it('milliseconds: equals Date#toISOString across second, day and year boundaries, in any order', () => {
    const formatter = new IsoTimeFormatter(3);
    // Binance event times from the real captures and the testnet sample, and the edges around them.
    const times = [1633998512068, 1789295134226, 1618677399999, 1618677400000, 1618677400001, 1767225599999,
      1767225600000, 0, 999, 1633998512068];
    for (let i = 0; i < 5_000; i++) times.push(1789295134226 + i * 137 - (i % 7) * 1_000);
    for (const ms of times) assert.equal(formatter.format(ms), new Date(ms).toISOString(), String(ms));
  });

  it('microseconds: pads the fraction and rounds fractional milliseconds', () => {
    const formatter = new IsoTimeFormatter(6);
    // Fractions a double holds exactly at this magnitude (multiples of 2^-10 ms), so rounding is what is tested.
    assert.equal(formatter.format(1764064800123.75), '2025-11-25T10:00:00.123750Z');
    assert.equal(formatter.format(1764064800000.0625), '2025-11-25T10:00:00.000063Z');
    assert.equal(formatter.format(1764064800007.0009765625), '2025-11-25T10:00:00.007001Z');
    assert.equal(formatter.format(1764064800999.9990234375), '2025-11-25T10:00:00.999999Z');
    assert.equal(formatter.format(1764064800999.99951171875), '2025-11-25T10:00:01.000000Z');
  });

  it('a time that is not a date gives an empty string and keeps the cache intact', () => {
    const formatter = new IsoTimeFormatter(3);
    assert.equal(formatter.format(1633998512068), '2021-10-12T00:28:32.068Z');
    assert.equal(formatter.format(Number.NaN), '');
    assert.equal(formatter.format(8.65e15), '');
    assert.equal(formatter.format(1633998512069), '2021-10-12T00:28:32.069Z');
  });
});

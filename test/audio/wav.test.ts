import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, mixToMono, readWav, writeWav, type WavEncoding } from '../../src/audio/wav.ts';

const sine = (n: number, f: number, amp: number) => Float32Array.from({ length: n }, (_, i) => amp * Math.sin(2 * Math.PI * f * i / 8000));

describe('WAV round trips', () => {
  // Largest quantisation error of each encoding: half a step of 2^-(bits-1), exact for float32.
  const formats: [WavEncoding, number][] = [['pcm8', 1 / 256], ['pcm16', 1 / 65536], ['pcm24', 2 ** -24], ['pcm32', 2 ** -32], ['float32', 0]];
  for (const [encoding, tol] of formats) {
    for (const nch of [1, 2, 3]) {
      it(`${encoding}, ${nch} channel(s)`, () => {
        const channels = Array.from({ length: nch }, (_, c) => sine(1001, 440 * (c + 1), 0.9 - 0.2 * c));
        const dir = mkdtempSync(join(tmpdir(), 'wav-'));
        const path = join(dir, 'x.wav');
        writeWav(path, channels, 8000, encoding);
        const back = readWav(path);
        expect(back.sampleRate).toBe(8000);
        expect(back.encoding).toBe(encoding);
        expect(back.channels.length).toBe(nch);
        for (let c = 0; c < nch; c++) {
          expect(back.channels[c].length).toBe(1001);
          let err = 0;
          for (let i = 0; i < 1001; i++) err = Math.max(err, Math.abs(back.channels[c][i] - channels[c][i]));
          expect(err).toBeLessThanOrEqual(tol + 1e-9);
        }
      });
    }
  }

  it('clips out-of-range samples instead of wrapping', () => {
    const back = decodeWav(encodeWav([Float32Array.from([2, -2, 1, -1])], 8000, 'pcm16'), 'clip');
    expect(Array.from(back.channels[0])).toEqual([32767 / 32768, -1, 32767 / 32768, -1]);
  });

  it('mixes channels to mono by averaging', () => {
    expect(Array.from(mixToMono([Float32Array.from([1, 0.5]), Float32Array.from([0, -0.5])]))).toEqual([0.5, 0]);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE headers and skips unknown chunks', () => {
    const plain = encodeWav([Float32Array.from([0.5, -0.25])], 16000, 'pcm16');
    const fmt = new Uint8Array(40);
    const dv = new DataView(fmt.buffer);
    dv.setUint16(0, 0xfffe, true);
    dv.setUint16(2, 1, true);
    dv.setUint32(4, 16000, true);
    dv.setUint32(8, 32000, true);
    dv.setUint16(12, 2, true);
    dv.setUint16(14, 16, true);
    dv.setUint16(16, 22, true);
    dv.setUint16(24, 1, true); // sub-format GUID starts with 0x0001 = PCM
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0, 1, 2, 3, 0])]); // odd size, padded
    const data = plain.subarray(36);
    const body = Buffer.concat([Buffer.from('WAVE'), Buffer.from('fmt '), Buffer.from([40, 0, 0, 0]), fmt, list, data]);
    const head = Buffer.alloc(8);
    head.write('RIFF');
    head.writeUInt32LE(body.length, 4);
    const back = decodeWav(Buffer.concat([head, body]), 'ext.wav');
    expect(Array.from(back.channels[0])).toEqual([0.5, -0.25]);
  });

  it('names the file and the reason for broken files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wav-'));
    const good = encodeWav([sine(1000, 440, 0.5)], 8000, 'pcm16');
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated.wav', good.subarray(0, 500), /truncated\.wav: truncated WAV file \(data chunk declares 2000 bytes, 456 present\)/],
      ['empty.wav', new Uint8Array(0), /empty\.wav: empty file/],
      ['text.wav', Buffer.from('this is not audio at all, just text'), /text\.wav: not a WAV file/],
      ['headeronly.wav', good.subarray(0, 36), /headeronly\.wav: truncated WAV file \(no data chunk\)/],
    ];
    for (const [name, bytes, message] of cases) {
      writeFileSync(join(dir, name), bytes);
      expect(() => readWav(join(dir, name))).toThrow(message);
    }
    const adpcm = Buffer.from(good);
    adpcm.writeUInt16LE(2, 20);
    expect(() => decodeWav(adpcm, 'adpcm.wav')).toThrow(/adpcm\.wav: unsupported WAV encoding \(format tag 2, 16 bits/);
  });
});

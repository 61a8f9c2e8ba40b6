// WAV files for the desktop host's audio: 8 kHz, 16-bit, mono PCM (RIFF/WAVE, "fmt " and "data").
import { readFileSync, writeFileSync } from 'node:fs';

export const WAV_SAMPLE_RATE = 8000;

export function encodeWav(samples: Int16Array, sampleRate = WAV_SAMPLE_RATE): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Reads the samples of an 8 kHz 16-bit mono PCM WAV file; anything else is refused. */
export function decodeWav(bytes: Buffer): Int16Array {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let offset = 12;
  let format: { channels: number; rate: number; bits: number; tag: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('latin1', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (body + size > bytes.length) throw new Error(`WAV chunk "${id}" overruns the file`);
    if (id === 'fmt ') {
      if (size < 16) throw new Error('WAV fmt chunk too short');
      format = { tag: bytes.readUInt16LE(body), channels: bytes.readUInt16LE(body + 2), rate: bytes.readUInt32LE(body + 4), bits: bytes.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data before fmt');
      if (format.tag !== 1 || format.channels !== 1 || format.rate !== WAV_SAMPLE_RATE || format.bits !== 16) {
        throw new Error(`WAV must be 8000 Hz 16-bit mono PCM, got ${format.rate} Hz ${format.bits}-bit ${format.channels} channel(s)`);
      }
      const samples = new Int16Array(size >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(body + i * 2);
      return samples;
    }
    offset = body + size + (size & 1);
  }
  throw new Error('WAV file has no data chunk');
}

export const readWav = (path: string): Int16Array => decodeWav(readFileSync(path));
export const writeWav = (path: string, samples: Int16Array): void => writeFileSync(path, encodeWav(samples));

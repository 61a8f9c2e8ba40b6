// ITU-T G.711 pulse code modulation: µ-law and A-law companding between 16-bit linear PCM and 8-bit
// code words (Tables 1a/1b and 2a/2b of G.711). Encoding follows the segment search of the
// recommendation; decoding goes through a 256-entry table built once from the same formulas.

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/** Encodes one linear sample (-32768..32767) to a µ-law code word (G.711 §3, Table 2a). */
export function linearToMuLaw(sample: number): number {
  let pcm = sample | 0;
  const sign = pcm < 0 ? 0x80 : 0;
  if (pcm < 0) pcm = -pcm;
  if (pcm > MULAW_CLIP) pcm = MULAW_CLIP;
  pcm += MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (pcm & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (pcm >> (exponent + 3)) & 0x0f;
  // Code words are transmitted with every bit inverted (G.711 Table 2a note).
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Decodes a µ-law code word to linear PCM (16-bit scale: 14-bit values shifted left by 2). */
export function muLawToLinear(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 7;
  const magnitude = ((((u & 0x0f) << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return u & 0x80 ? 0 - magnitude : magnitude; // 0 - 0 is +0: both zero codes decode to 0
}

/** Encodes one linear sample to an A-law code word (G.711 §2, Table 1a; even bits inverted). */
export function linearToALaw(sample: number): number {
  let pcm = (sample | 0) >> 3; // 13-bit magnitude range
  let mask: number;
  if (pcm >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  let segment = 0;
  while (segment < 8 && pcm > (0x20 << segment) - 1) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  const mantissa = segment < 2 ? (pcm >> 1) & 0x0f : (pcm >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

/** Decodes an A-law code word to linear PCM (16-bit scale: 13-bit values shifted left by 3). */
export function aLawToLinear(code: number): number {
  const a = (code & 0xff) ^ 0x55;
  const segment = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  if (segment === 0) t += 8;
  else t = (t + 0x108) << (segment - 1);
  return a & 0x80 ? t : -t;
}

const MULAW_TABLE = new Int16Array(256);
const ALAW_TABLE = new Int16Array(256);
for (let i = 0; i < 256; i++) {
  MULAW_TABLE[i] = muLawToLinear(i);
  ALAW_TABLE[i] = aLawToLinear(i);
}

export type G711Law = 'PCMU' | 'PCMA';

/** RTP static payload types (RFC 3551 §6, Table 4). */
export const G711_PAYLOAD_TYPE: Readonly<Record<G711Law, number>> = { PCMU: 0, PCMA: 8 };

/** Encodes a frame of linear samples into one code word each. */
export function encodeG711(law: G711Law, samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  const encode = law === 'PCMU' ? linearToMuLaw : linearToALaw;
  for (let i = 0; i < samples.length; i++) out[i] = encode(samples[i]);
  return out;
}

/** Decodes code words into linear samples. */
export function decodeG711(law: G711Law, codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  const table = law === 'PCMU' ? MULAW_TABLE : ALAW_TABLE;
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i]];
  return out;
}

// One-line JSON with ": " and ", " separators, the shape phonectl's outputs are documented in
// (e.g. {"keyAgreement": "PKE", "suite": "AES_CM_128_HMAC_SHA1_32"}).
export function jsonLine(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonLine).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${fields.map(([k, v]) => `${JSON.stringify(k)}: ${jsonLine(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

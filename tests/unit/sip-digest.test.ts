import { authorize, digestResponse, DigestError } from '../../modules/sip/digest.js';
import { parseAuth } from '../../modules/sip/headers.js';

describe('digest authentication', () => {
  it('reproduces the RFC 2617 §3.5 example (MD5, qop=auth)', () => {
    expect(digestResponse({
      username: 'Mufasa', password: 'Circle Of Life', realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      method: 'GET', uri: '/dir/index.html', qop: 'auth', nc: '00000001', cnonce: '0a4f113b',
    })).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('reproduces the RFC 7616 §3.9.1 examples (MD5 and SHA-256)', () => {
    const common = {
      username: 'Mufasa', password: 'Circle of Life', realm: 'http-auth@example.org', nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      method: 'GET', uri: '/dir/index.html', qop: 'auth' as const, nc: '00000001', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    };
    expect(digestResponse({ ...common, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(digestResponse({ ...common, algorithm: 'SHA-256' })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('builds an Authorization header answering the RFC 2617 challenge', () => {
    const challenge = parseAuth('Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    const header = authorize(challenge, { username: 'Mufasa', password: 'Circle Of Life' }, 'GET', '/dir/index.html', 1, '0a4f113b');
    expect(parseAuth(header)).toEqual({
      scheme: 'Digest',
      params: {
        username: 'Mufasa', realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', uri: '/dir/index.html',
        response: '6629fae49393a05397450978507c4ef1', algorithm: 'MD5', qop: 'auth', nc: '00000001', cnonce: '0a4f113b', opaque: '5ccc069c403ebaf9f0171e9517f40e41',
      },
    });
  });

  it('answers a challenge without qop in the RFC 2069 form', () => {
    const header = authorize(parseAuth('Digest realm="r", nonce="n"'), { username: 'u', password: 'p' }, 'REGISTER', 'sip:r', 1, 'c');
    const params = parseAuth(header).params;
    expect(params.qop).toBeUndefined();
    expect(params.response).toBe(digestResponse({ username: 'u', password: 'p', realm: 'r', nonce: 'n', method: 'REGISTER', uri: 'sip:r' }));
  });

  it('refuses challenges it cannot answer', () => {
    expect(() => authorize(parseAuth('Basic realm="r"'), { username: 'u', password: 'p' }, 'GET', '/', 1, 'c')).toThrow(DigestError);
    expect(() => authorize(parseAuth('Digest realm="r", nonce="n", qop="auth-int"'), { username: 'u', password: 'p' }, 'GET', '/', 1, 'c')).toThrow(DigestError);
    expect(() => authorize(parseAuth('Digest realm="r", nonce="n", algorithm=SHA-512-256'), { username: 'u', password: 'p' }, 'GET', '/', 1, 'c')).toThrow(DigestError);
  });
});

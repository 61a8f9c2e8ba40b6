// `phonectl negotiate`: the public command line and output shape given in the issue.
import { phonectl } from '../support/phonectl.js';

const LOCAL = 'PSK,PKE,DH;AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32';
const REMOTE = 'PKE,DH,PSK;AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80';

describe('phonectl negotiate', () => {
  it("prints the paper's result in the documented shape", () => {
    const r = phonectl(['negotiate', '--local', LOCAL, '--remote', REMOTE]);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('{"keyAgreement": "PKE", "suite": "AES_CM_128_HMAC_SHA1_32", ')).toBe(true);
    expect(JSON.parse(r.stdout)).toMatchObject({ secure: true, policy: 'priority', keyAgreementRanks: { local: 1, remote: 0 } });
  });

  it('gives the same choice from the callee side (--role answerer with the tables swapped)', () => {
    const r = phonectl(['negotiate', '--local', REMOTE, '--remote', LOCAL, '--role', 'answerer']);
    expect(JSON.parse(r.stdout)).toMatchObject({ keyAgreement: 'PKE', suite: 'AES_CM_128_HMAC_SHA1_32', keyAgreementRanks: { local: 0, remote: 1 } });
  });

  it("reports 'static' failing the paper's pair with exit status 1", () => {
    const r = phonectl(['negotiate', '--local', LOCAL, '--remote', REMOTE, '--policy', 'static']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ keyAgreement: null, suite: null, secure: false });
  });

  it('refuses bad input with one line and exit status 2', () => {
    for (const args of [['--local', 'PSK;NOPE', '--remote', REMOTE], ['--local', LOCAL], ['--local', LOCAL, '--remote', REMOTE, '--policy', 'best']]) {
      const r = phonectl(['negotiate', ...args]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

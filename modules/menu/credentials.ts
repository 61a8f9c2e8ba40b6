// The "Credentials" screen of the menu: whether the phone's certificate in flash is for the phone's
// own SIP URI (modules/phone/credentials-check.ts), and on the desktop host, OK to put the
// development credentials made for this identity in its place. Pure: settings in, lines out.
import { fitUri, fitWords } from '../display/fit-text.js';
import { checkCredentials, NOTICE_WRONG_IDENTITY } from '../phone/credentials-check.js';
import type { Credentials } from '../settings/model.js';

const shown = (uri: string) => uri.replace(/^sip:/, '');

/** Whether OK offers development credentials: the stored ones are missing, unreadable or for another identity. */
export function offersDevCredentials(credentials: Credentials, selfUri: string | undefined): boolean {
  return selfUri !== undefined && checkCredentials(credentials, selfUri).kind !== 'ok';
}

/** The four lines: what the certificate is for against the phone's identity, and the keys that act. */
export function credentialsScreen(credentials: Credentials, selfUri: string | undefined, devAvailable: boolean): string[] {
  if (selfUri === undefined) return ['Credentials', 'Identity unknown', '', 'Back'];
  const hint = devAvailable && offersDevCredentials(credentials, selfUri) ? 'OK=dev keys Back' : 'Back';
  const check = checkCredentials(credentials, selfUri);
  switch (check.kind) {
    case 'none':
      return ['Credentials', 'No certificate', 'PKE DH RSA-R off', hint];
    case 'unreadable':
      return ['Credentials', 'Cert unreadable', fitWords(check.reason), hint];
    case 'ok':
      return ['Credentials', 'Cert ok for', fitUri(shown(check.certFor)), hint];
    case 'mismatch':
      // The certificate "is" for the identity it names, "not" for the phone's own.
      return [NOTICE_WRONG_IDENTITY, `is ${fitUri(shown(check.certFor), 17)}`, `not ${fitUri(shown(selfUri), 16)}`, hint];
  }
}

// The command line of the development Kamailio (tests/interop/kamailio/registrar-proxy.cfg), shared by
// `npm run pbx` and the tests: UDP on a port, TCP on the same port and TLS on another (RFC 3261 §18,
// §26.2) when asked, with a server certificate from the development CA the phones trust.
import { X509Certificate } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEV_SERVER_NAMES, ensureDevKeys, ensureDevServerKeys } from './dev-keys.js';

export const KAMAILIO = '/usr/sbin/kamailio';
const TLS_MODULE = '/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so';
const CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'interop', 'kamailio', 'registrar-proxy.cfg');

export interface KamailioListen {
  readonly host: string;
  /** UDP, and TCP when `tcp`. */
  readonly port: number;
  readonly tcp?: boolean;
  /** Forwards a request over 1,300 bytes over TCP, not UDP (RFC 3261 §18.1.1): Kamailio's udp_mtu. */
  readonly mtuSwitch?: boolean;
  /**
   * TLS on this port, with a certificate for 127.0.0.1, localhost and example.test from the
   * development CA in `keysDir` (made with `caBits` if there is none yet: the phones' key size).
   */
  readonly tls?: { readonly port: number; readonly keysDir: string; readonly caBits?: number };
}

/**
 * The TLS module's settings: TLS 1.2 or later; as a server no client certificate asked for; as a
 * client (to a phone's TLS listener) the phone's certificate checked against the development CA.
 * Security level 1 because the tests' development keys are 1024-bit RSA (quick on XS), which
 * Debian's OpenSSL refuses at its default level 2.
 */
function writeTlsConfig(runtime: string, keysDir: string, caBits: number): string {
  ensureDevKeys(keysDir, [], { bits: caBits });
  // Named by its address and by the SIP domain it serves (alias example.test; RFC 5922 §7.1).
  const cert = ensureDevServerKeys(keysDir, 'kamailio', { altNames: [...DEV_SERVER_NAMES, 'DNS:example.test'] });
  // The certificate alone, not the chain file: OpenSSL checks a chain's keys as it loads it, before
  // the cipher list lowers the level; the CA goes out from ca_list at handshake time instead.
  const certificate = join(runtime, 'kamailio.pem');
  writeFileSync(certificate, new X509Certificate(cert.certificate).toString());
  const path = join(runtime, 'tls.cfg');
  const common = 'method = TLSv1.2+\ncipher_list = DEFAULT:@SECLEVEL=1\n';
  writeFileSync(
    path,
    `[server:default]\n${common}verify_certificate = no\nrequire_certificate = no\nprivate_key = ${cert.privateKeyPemPath}\ncertificate = ${certificate}\nca_list = ${cert.caPemPath}\n\n` +
      `[client:default]\n${common}verify_certificate = yes\nrequire_certificate = yes\nca_list = ${cert.caPemPath}\n`,
  );
  return path;
}

/** Kamailio's arguments for `listen`, in the foreground, with its files in `runtime`. */
export function kamailioArgs(listen: KamailioListen, runtime: string): string[] {
  if (!existsSync(KAMAILIO)) throw new Error(`Kamailio is missing: install the kamailio package (${KAMAILIO})`);
  const { host, port } = listen;
  const args = ['-f', CONFIG, '-DD', '-E', '-l', `udp:${host}:${port}`, '-Y', runtime, '-m', '16', '-M', '4'];
  if (listen.tcp || listen.tls || listen.mtuSwitch) args.push('-A', 'WITH_TCP', '-l', `tcp:${host}:${port}`);
  if (listen.mtuSwitch) args.push('-A', 'WITH_MTU_SWITCH');
  if (listen.tls) {
    if (!existsSync(TLS_MODULE)) throw new Error(`Kamailio's TLS module is missing: install the kamailio-tls-modules package (${TLS_MODULE})`);
    const config = writeTlsConfig(runtime, listen.tls.keysDir, listen.tls.caBits ?? 2048);
    args.push('-A', 'WITH_TLS', '-A', `TLS_CONFIG="${config}"`, '-l', `tls:${host}:${listen.tls.port}`);
  }
  return args;
}

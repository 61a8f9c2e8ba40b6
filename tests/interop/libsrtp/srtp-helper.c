/*
 * libsrtp2 peer for the SRTP interop tests and benchmark. Same interface as `phonectl srtp`:
 *
 *   srtp-helper protect|unprotect SUITE KEYHEX rtp|rtcp ROC [MKIHEX]   hex packets on stdin, one per line
 *   srtp-helper bench SUITE KEYHEX COUNT                       protect+unprotect COUNT 172-byte packets
 *
 * KEYHEX is the master key followed by the master salt. A refused packet prints "error: <reason>".
 * The session is made on the first packet, for that packet's SSRC, so that its ROC can be set.
 * SRTCP of the _32 suites uses the 80-bit tag (libsrtp's srtp.h advice, RFC 3711 section 3.4).
 */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PACKET 4096

static int set_policy(const char *suite, srtp_crypto_policy_t *rtp, srtp_crypto_policy_t *rtcp) {
  if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_80")) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtcp);
  } else if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_32")) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtcp);
  } else if (!strcmp(suite, "AES_256_CM_HMAC_SHA1_80")) {
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtp);
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtcp);
  } else if (!strcmp(suite, "AES_256_CM_HMAC_SHA1_32")) {
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(rtp);
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtcp);
  } else if (!strcmp(suite, "AEAD_AES_128_GCM")) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(rtcp);
  } else if (!strcmp(suite, "AEAD_AES_256_GCM")) {
    srtp_crypto_policy_set_aes_gcm_256_16_auth(rtp);
    srtp_crypto_policy_set_aes_gcm_256_16_auth(rtcp);
  } else if (!strcmp(suite, "NULL_HMAC_SHA1_80")) {
    srtp_crypto_policy_set_null_cipher_hmac_sha1_80(rtp);
    srtp_crypto_policy_set_null_cipher_hmac_sha1_80(rtcp);
  } else if (!strcmp(suite, "AES_CM_128_NULL_AUTH")) {
    srtp_crypto_policy_set_aes_cm_128_null_auth(rtp);
    srtp_crypto_policy_set_aes_cm_128_null_auth(rtcp);
  } else {
    return 0;
  }
  return 1;
}

static int from_hex(const char *text, unsigned char *out, int max) {
  int n = 0;
  while (text[0] && text[0] != '\n' && text[0] != '\r') {
    unsigned int byte;
    if (n >= max || sscanf(text, "%2x", &byte) != 1 || !text[1]) return -1;
    out[n++] = (unsigned char)byte;
    text += 2;
  }
  return n;
}

static const char *reason(srtp_err_status_t status) {
  switch (status) {
  case srtp_err_status_auth_fail: return "authentication";
  case srtp_err_status_replay_fail:
  case srtp_err_status_replay_old: return "replay";
  case srtp_err_status_bad_param: return "malformed";
  case srtp_err_status_bad_mki: return "mki";
  default: return "libsrtp";
  }
}

/* With an MKI, the one master key is given as libsrtp's key list with that MKI id. */
static srtp_t make_session(const char *suite, unsigned char *key, uint32_t ssrc, uint32_t roc, unsigned char *mki, int mki_size) {
  static srtp_master_key_t master;
  static srtp_master_key_t *keys[1];
  srtp_policy_t policy;
  srtp_t session;
  memset(&policy, 0, sizeof policy);
  if (!set_policy(suite, &policy.rtp, &policy.rtcp)) return NULL;
  policy.ssrc.type = ssrc_specific;
  policy.ssrc.value = ssrc;
  if (mki_size > 0) {
    master.key = key;
    master.mki_id = mki;
    master.mki_size = (unsigned int)mki_size;
    keys[0] = &master;
    policy.keys = keys;
    policy.num_master_keys = 1;
  } else {
    policy.key = key;
  }
  policy.window_size = 128;
  policy.next = NULL;
  if (srtp_create(&session, &policy) != srtp_err_status_ok) return NULL;
  if (roc && srtp_set_stream_roc(session, ssrc, roc) != srtp_err_status_ok) return NULL;
  return session;
}

static int bench(const char *suite, unsigned char *key, long count) {
  unsigned char packet[MAX_PACKET];
  srtp_t tx = make_session(suite, key, 0x12345678, 0, NULL, 0);
  srtp_t rx = make_session(suite, key, 0x12345678, 0, NULL, 0);
  struct timespec start, end;
  if (!tx || !rx) return 1;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (long i = 0; i < count; i++) {
    int len = 172;
    memset(packet, 0xd5, sizeof packet);
    packet[0] = 0x80;
    packet[1] = 0x00;
    packet[2] = (unsigned char)(i >> 8);
    packet[3] = (unsigned char)i;
    packet[8] = 0x12; packet[9] = 0x34; packet[10] = 0x56; packet[11] = 0x78;
    if (srtp_protect(tx, packet, &len) != srtp_err_status_ok) return 1;
    if (srtp_unprotect(rx, packet, &len) != srtp_err_status_ok) return 1;
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  printf("%.9f\n", (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9);
  return 0;
}

int main(int argc, char **argv) {
  unsigned char key[64];
  unsigned char mki[SRTP_MAX_MKI_LEN];
  int mki_size = 0;
  char line[2 * MAX_PACKET + 8];
  unsigned char packet[MAX_PACKET + SRTP_MAX_TRAILER_LEN];
  srtp_t session = NULL;
  int protect, rtcp;
  uint32_t roc;

  if (srtp_init() != srtp_err_status_ok) return 1;
  if (argc == 5 && !strcmp(argv[1], "bench")) {
    if (from_hex(argv[3], key, sizeof key) < 0) return 2;
    return bench(argv[2], key, atol(argv[4]));
  }
  if ((argc != 6 && argc != 7) || from_hex(argv[3], key, sizeof key) < 0 ||
      (argc == 7 && (mki_size = from_hex(argv[6], mki, sizeof mki)) <= 0)) {
    fprintf(stderr, "usage: srtp-helper protect|unprotect SUITE KEYHEX rtp|rtcp ROC [MKIHEX]\n");
    return 2;
  }
  protect = !strcmp(argv[1], "protect");
  rtcp = !strcmp(argv[4], "rtcp");
  roc = (uint32_t)strtoul(argv[5], NULL, 10);
  while (fgets(line, sizeof line, stdin)) {
    int len = from_hex(line, packet, MAX_PACKET);
    srtp_err_status_t status;
    if (len < 12) {
      printf("error: malformed\n");
      fflush(stdout);
      continue;
    }
    if (!session) {
      uint32_t ssrc = rtcp ? (uint32_t)packet[4] << 24 | packet[5] << 16 | packet[6] << 8 | packet[7]
                           : (uint32_t)packet[8] << 24 | packet[9] << 16 | packet[10] << 8 | packet[11];
      session = make_session(argv[2], key, ssrc, roc, mki, mki_size);
      if (!session) {
        fprintf(stderr, "srtp-helper: cannot make a %s session\n", argv[2]);
        return 1;
      }
    }
    if (protect)
      status = rtcp ? srtp_protect_rtcp_mki(session, packet, &len, mki_size > 0, 0)
                    : srtp_protect_mki(session, packet, &len, mki_size > 0, 0);
    else
      status = rtcp ? srtp_unprotect_rtcp_mki(session, packet, &len, mki_size > 0)
                    : srtp_unprotect_mki(session, packet, &len, mki_size > 0);
    if (status != srtp_err_status_ok) {
      printf("error: %s\n", reason(status));
    } else {
      for (int i = 0; i < len; i++) printf("%02x", packet[i]);
      printf("\n");
    }
    fflush(stdout);
  }
  return 0;
}

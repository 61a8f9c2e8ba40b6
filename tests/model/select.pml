/*
 * The selection rule of modules/negotiation/select.ts, over the model's names: key agreements
 * 0 PSK, 1 PKE, 2 DH; SRTP suites 0 AES_CM_128_HMAC_SHA1_80, 1 AES_CM_128_HMAC_SHA1_32,
 * 2 AES_F8_128_HMAC_SHA1_80 (the three suites a MIKEY-keyed call runs, call-negotiation.ts).
 * A table dimension is an array of three ranks, NONE for a name the table does not enable (absent
 * or disabled; a disabled entry keeps its rank, so enabled ranks may have gaps).
 * Included by negotiation.pml and select-harness.pml; tests/model/spin.test.ts checks it against
 * select.ts for every table pair of the domain, so the model cannot drift from the code.
 */
#define NONE 3            /* no rank (entry not enabled), and "no choice" */

#define PRIORITY 0
#define STATIC 1
#define AUTOMATIC 2

/* Positions in KEY_AGREEMENT_STRENGTH (DH, DHHMAC, PKE, RSA-R, PSK): PSK 4, PKE 2, DH 0. */
#define KA_STRENGTH(x) ((x) == 0 -> 4 : ((x) == 1 -> 2 : 0))
/* Positions in SUITE_STRENGTH (..., AES_CM_128_HMAC_SHA1_80, AES_F8_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32). */
#define SU_STRENGTH(x) ((x) == 0 -> 4 : ((x) == 1 -> 6 : 5))
/*
 * 'automatic': the seeded index select.ts draws (mulberry32) with the seed calls use (0), for the
 * key agreement (salt 1) and the suite (salt 2), for 1, 2 or 3 candidates. A model parameter, not
 * a computation: the conformance test fails if select.ts draws anything else.
 */
#define AUTO_INDEX(salt, count) ((salt) == 1 -> ((count) == 3 -> 1 : 0) : (count) - 1)

/* dimension 0: key agreements (salt 1), 1: suites (salt 2), as select() passes them */
#define STRENGTH(dim, x) ((dim) == 0 -> KA_STRENGTH(x) : SU_STRENGTH(x))

/*
 * choose()'s operands and scratch: written before they are read, inside one d_step, so kept out
 * of the state vector. Promela inlines take no arrays: LOAD copies a table dimension in.
 */
hidden byte off[3], ans[3];
hidden byte sel_i, sel_j, sel_fo, sel_fa, sel_n, sel_k;
#define LOAD(dst, src) dst[0] = src[0]; dst[1] = src[1]; dst[2] = src[2]

/*
 * res := the choice of policy `pol` in dimension `dim` between the offerer's ranks `off` and the
 * answerer's `ans` (select.ts choose()). Call it inside d_step.
 */
inline choose(pol, dim, res) {
  res = NONE;
  if
  :: pol == PRIORITY ->
    /* smallest rank sum; ties: the stronger (a total order, so the offerer's rank never decides) */
    sel_i = 0;
    do
    :: sel_i < 3 ->
      if
      :: off[sel_i] != NONE && ans[sel_i] != NONE &&
         (res == NONE || off[sel_i] + ans[sel_i] < off[res] + ans[res] ||
          (off[sel_i] + ans[sel_i] == off[res] + ans[res] && STRENGTH(dim, sel_i) < STRENGTH(dim, res))) ->
        res = sel_i
      :: else -> skip
      fi;
      sel_i++
    :: else -> break
    od
  :: pol == STATIC ->
    /* each side's enabled favourite; a choice only when they are the same */
    sel_fo = NONE; sel_fa = NONE; sel_i = 0;
    do
    :: sel_i < 3 ->
      if
      :: off[sel_i] != NONE && (sel_fo == NONE || off[sel_i] < off[sel_fo]) -> sel_fo = sel_i
      :: else -> skip
      fi;
      if
      :: ans[sel_i] != NONE && (sel_fa == NONE || ans[sel_i] < ans[sel_fa]) -> sel_fa = sel_i
      :: else -> skip
      fi;
      sel_i++
    :: else -> break
    od;
    if
    :: sel_fo != NONE && sel_fo == sel_fa -> res = sel_fo
    :: else -> skip
    fi
  :: pol == AUTOMATIC ->
    /* the candidates in strength order, strongest first; take the seeded index */
    sel_n = 0; sel_i = 0;
    do
    :: sel_i < 3 -> if :: off[sel_i] != NONE && ans[sel_i] != NONE -> sel_n++ :: else -> skip fi; sel_i++
    :: else -> break
    od;
    if
    :: sel_n > 0 ->
      sel_k = AUTO_INDEX(dim + 1, sel_n);
      sel_i = 0;
      do
      :: sel_i < 3 ->
        if
        :: off[sel_i] != NONE && ans[sel_i] != NONE ->
          /* its place among the candidates: how many are stronger */
          sel_n = 0; sel_j = 0;
          do
          :: sel_j < 3 ->
            if
            :: off[sel_j] != NONE && ans[sel_j] != NONE && STRENGTH(dim, sel_j) < STRENGTH(dim, sel_i) -> sel_n++
            :: else -> skip
            fi;
            sel_j++
          :: else -> break
          od;
          if :: sel_n == sel_k -> res = sel_i :: else -> skip fi
        :: else -> skip
        fi;
        sel_i++
      :: else -> break
      od
    :: else -> skip
    fi
  fi
}

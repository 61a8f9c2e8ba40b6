/*
 * Prints the model's choice (select.pml) for every pair of table dimensions over three names:
 * every assignment of distinct ranks 0..2 to a non-empty subset (orderings of subsets, and with
 * gaps: the ranks a disabled entry leaves), for the three policies, key agreements and suites.
 * Run by tests/model/spin.test.ts, which compares each line with modules/negotiation/select.ts.
 * Line: "choice <dimension 0 key agreement|1 suite> <policy> <offerer ranks> <answerer ranks> <choice>".
 */
#include "select.pml"

byte res, pol, dim, a, b;
bit okA, okB;

/* ranks from a code 0..63, NONE (3) for an absent name */
#define DECODE(code, r) r[0] = (code) % 4; r[1] = ((code) / 4) % 4; r[2] = (code) / 16
/* a table dimension: at least one name, distinct ranks */
#define VALID(r) ((r[0] != NONE || r[1] != NONE || r[2] != NONE) && \
                  (r[0] == NONE || (r[0] != r[1] && r[0] != r[2])) && (r[1] == NONE || r[1] != r[2]))

init {
  d_step {
  dim = 0;
  do
  :: dim < 2 ->
    pol = 0;
    do
    :: pol < 3 ->
      a = 0;
      do
      :: a < 64 ->
        DECODE(a, off); okA = VALID(off);
        b = 0;
        do
        :: okA && b < 64 ->
          DECODE(b, ans); okB = VALID(ans);
          if
          :: okB ->
            choose(pol, dim, res);
            printf("choice %d %d %d%d%d %d%d%d %d\n", dim, pol, off[0], off[1], off[2], ans[0], ans[1], ans[2], res)
          :: else -> skip
          fi;
          b++
        :: else -> break
        od;
        a++
      :: else -> break
      od;
      pol++
    :: else -> break
    od;
    dim++
  :: else -> break
  od
  }
}

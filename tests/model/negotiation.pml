/*
 * The priority negotiation of a call between two of this product's phones, as modules/phone
 * implements it, with an attacker on the signalling path. docs/negotiation.md §9 says how to run
 * it, what it proves and the figures; tests/model/spin.test.ts runs it.
 *
 * A (the caller) and B (the callee) each hold a table over three key agreements (0 PSK, 1 PKE,
 * 2 DH) and three suites (0 AES_CM_128_HMAC_SHA1_80, 1 AES_CM_128_HMAC_SHA1_32,
 * 2 AES_F8_128_HMAC_SHA1_80): every ordering of every non-empty subset in each dimension. The
 * tables are the ones each phone advertises in this call, i.e. already narrowed to what it can
 * carry out with this peer (call-negotiation.ts callableTable, keying.ts usableKeyAgreements).
 * The offerer's policy (priority, static, automatic) travels with its table and both phones use it.
 * Each phone has an SRTP mode (Off, Optional, Mandatory). A may hold B's table from an earlier call
 * (settings.learnedPeers: none, B's current table, or a stale one), B may hold A's: both pin. A may
 * or may not offer SDES without TLS (settings.sdesOverNonTls) and may or may not put the plain
 * RTP/AVP line in the same offer (settings.fallbackInOneOffer, the seed paper's Fig. 6 and 7).
 *
 * Modelled, as the code does it:
 *   calls.ts dial()        first offer with firstOfferKeyAgreement (offer-plan.ts), the ladder start
 *                          (offerRungs), the plain line in the same offer
 *   call-lines.ts          the first line, else the plain line unless refused with a table
 *   call-incoming.ts       screening (credentials, replay cache), the 488 with the callee's table when
 *                          another key agreement wins or the offered one is unusable
 *                          (tableForUnusableOffer), the plain 488, pinning, decideAnswer (ladder.ts)
 *   calls.ts reoffer()     one re-offer with reofferKeyAgreement from a 488's table
 *   calls.ts answered      the plain line taken, or the R_MESSAGE checked (finish: bound to this
 *                          I_MESSAGE) and confirmAnswer, or no MIKEY in the answer: hang up, step down
 *   calls.ts stepDown()    pinning, nextRung (ladder.ts): mikey-priority -> sdes -> none as the mode
 *                          and sdesOverNonTls allow, not to none after an offer that had the plain line
 *
 * Abstracted:
 *   - Keys are "intact" (the phones') or "forged" (anything the attacker makes): the attacker holds
 *     no phone's keys, so a MIKEY message it makes or alters fails verification. Its effect is
 *     modelled instead of the message: B refuses it without a change of state (a forged I_MESSAGE
 *     never reaches negotiation), A ends the call (finish() throws). Only messages the phones made
 *     are ever accepted, and everything under their MAC/signature (key agreement, tables, policy,
 *     B's stated choice, SDP IDs) travels unchanged.
 *   - Messages are their fields: an offer is its first m= line's key-mgmt line (which offer's
 *     I_MESSAGE, or none), transport (RTP/SAVP or RTP/AVP) and whether it has a=crypto lines B can
 *     use, and whether a plain RTP/AVP line follows; a response is 488 with or without a table, 200
 *     with an R_MESSAGE (for which offer), with an SDES answer naming one of A's lines, with no
 *     keys, or taking the plain line, or a failure/timeout.
 *   - A 488's table is a hint A reads without checking: the attacker may put any table there; A's
 *     re-offer is then select(A, that table), i.e. any key agreement of A's table, or none.
 *   - After init the tables matter only through what the code computes from them, and (real model)
 *     every such computation reads tables under a MAC, i.e. the phones' real tables: the results
 *     are computed once at init with select.pml (checked against select.ts) and the tables cleared,
 *     so that states of different table pairs with the same results are shared.
 *   - SDES (RFC 4568): A's lines carry its suites; B can take them when the suite tables share one.
 *     SDES has no integrity against this attacker (RFC 4568 §8.1): it may strip, add or answer
 *     a=crypto lines, so only the rung is checked there, not the suite.
 *   - B takes each INVITE as a new call (no busy 486, which only ends calls like a drop does) and
 *     its user answers every ringing call. SDP IDs: only MIKEY is offered, so stripping the line
 *     strips the list with it.
 *
 * -DCONTROL: the negative control. The tables travel in clear SDP, as the seed paper's Fig. 7 draws
 * them: the attacker may replace the table B reads from the offer and the table and choice A reads
 * from the answer. The tables then stay in the state. spin must find a violation.
 * -DPLAN_PRIORITY: the offer plan as calls.ts had it before the model was written: first offer and
 * re-offer chosen with the priority policy whatever the offer's policy. spin finds the liveness
 * violation under the automatic policy.
 * -DOLD_OFF_PINNING: call-incoming.ts as it was before the model was written: a callee in SRTP mode
 * Off refused a plain offer from a pinned peer. spin finds the liveness violation (two phones in
 * mode Off that once had a MIKEY call can never call each other).
 */
#include "select.pml"

#define OFF 0
#define OPTIONAL 1
#define MANDATORY 2

/* rungs (ladder.ts), and outcomes */
#define MP 0          /* mikey-priority */
#define SDES 2
#define PLAIN 3       /* "none": plain RTP */
#define FAILED 4
#define GOING 5       /* the call is still being set up */

/* m= transport */
#define AVP 0
#define SAVP 1

/* what A receives for its offer */
#define R_488 0       /* 488 without a table */
#define R_488T 1      /* 488 with a table in a MIKEY Error message: a hint */
#define R_200M 2      /* 200 with an R_MESSAGE */
#define R_200S 3      /* 200 with an SDES answer naming one of A's lines */
#define R_200P 4      /* 200 without keys */
#define R_FAIL 5      /* another final status, or nothing (timeout) */
#define R_200PL 6     /* 200 taking the plain RTP/AVP line of a two-line offer (the other at port 0) */

#define LEARNED_NONE 0
#define LEARNED_EXACT 1
#define LEARNED_STALE 2

#define MAXOFFERS 4   /* mikey-priority, its one re-offer, sdes, none */

#ifdef PLAN_PRIORITY
#define PLAN_POLICY PRIORITY
#else
#define PLAN_POLICY policy
#endif
#ifdef OLD_OFF_PINNING
#define PINS_WHEN_OFF 1
#else
#define PINS_WHEN_OFF (modeB != OFF)
#endif

/* the tables: rank of each name, NONE when absent (cleared after init, except in the control) */
byte aKa[3], aSu[3], bKa[3], bSu[3];
byte policy;
/* computed at init from the tables */
byte selKa, selSu;        /* select(A, B, policy): what both must install */
byte hintKa;              /* select(A, B, plan policy).ka: A's re-offer from B's real table */
byte firstKa;             /* the first offer's key agreement (offer-plan.ts) */
byte favA;                /* A's favourite */
byte aSet, bSet;          /* the key agreements in each table, one bit each */
bit sdesCommon;           /* A's a=crypto lines include a suite B takes */
/* the phones' settings */
byte modeA, modeB, learned;
bit sdesA;                /* A may offer SDES (settings.sdesOverNonTls; the SIP path is not TLS) */
bit fallbackA;            /* A offers the plain line in the same offer (settings.fallbackInOneOffer) */
bit bMet;                 /* B holds A's table (pinned); set when B connects a priority-MIKEY call */
bit attacker;
byte expOut = GOING;      /* without the attacker: the outcome the docs give (GOING with it) */

/* A, the caller */
byte aRung, aKaOff;       /* the rung and key agreement of A's current offer */
bit reoffered;
byte nOffers;             /* offers sent; the current one is nOffers - 1 */
byte aOut = GOING;        /* how the call ended for A */
byte offKa[MAXOFFERS];    /* each offer's I_MESSAGE key agreement, NONE without MIKEY */
bit offLines[MAXOFFERS];  /* the offer carries the plain RTP/AVP line too (two m= lines) */

/* B, the callee */
byte bSeen;               /* offers whose I_MESSAGE is in B's replay cache, one bit each */
byte rmsg;                /* offers B answered with an R_MESSAGE, one bit each */
byte rmsgSu[MAXOFFERS];   /* the suite B keyed with for that offer */

/* one message in flight */
byte rsp, rspM, rspHint, dM, dProto, rsp1;
bit dPlain;               /* what B receives has a plain RTP/AVP line besides the first one */
bit delivered;            /* without the attacker: the current offer reached B */
byte ck, cs;              /* a computed key agreement and suite */
bit dCrypto, scr;

#ifdef CONTROL
/* the tables the attacker writes into clear SDP */
byte xKa[3], xSu[3];
#endif
byte pk, pk2;

/* r := a nondeterministic ordering of a non-empty subset of the three names (15 of them) */
#define PICK(r) \
  if :: pk = 0 :: pk = 1 :: pk = 2 fi; \
  if \
  :: r[pk] = 0; r[(pk + 1) % 3] = NONE; r[(pk + 2) % 3] = NONE \
  :: if :: pk2 = (pk + 1) % 3 :: pk2 = (pk + 2) % 3 fi; \
     r[pk] = 0; r[pk2] = 1; \
     if :: r[3 - pk - pk2] = NONE :: r[3 - pk - pk2] = 2 fi \
  fi; \
  pk = 0; pk2 = 0

#define ALLOWS(mode, rung) ((rung) == MP -> (mode) != OFF : ((rung) == SDES -> (mode) != OFF : (mode) != MANDATORY))

/* calls.ts dial(): the offer for the re-offer key agreement `rw` (NONE: none) on ladder step `step` */
inline dial(rw, step) {
  d_step {
    if
    :: modeA != OFF && step == MP -> aKaOff = (rw != NONE -> rw : firstKa)
    :: else -> aKaOff = NONE
    fi;
    if
    :: aKaOff != NONE -> aRung = MP
    :: else -> aRung = (step != MP -> step : (modeA == OFF -> PLAIN : SDES))
    fi;
    reoffered = (rw != NONE);
    offKa[nOffers] = aKaOff;
    /* the plain line in the same offer: a keyed rung, a mode that allows plain RTP, not pinned */
    offLines[nOffers] = (fallbackA && aRung != PLAIN && modeA == OPTIONAL && learned == LEARNED_NONE);
    nOffers++
  }
}

/*
 * calls.ts stepDown(): pinning, then nextRung (ladder.ts) below the refused rung among the rungs A
 * may offer (offerRungs: SDES only when sdesA), plain MIKEY skipped; not to plain RTP when the
 * refused offer carried the plain line already.
 */
inline step_down() {
  if
  :: learned != LEARNED_NONE -> aOut = FAILED
  :: else ->
    if
    :: aRung == MP && sdesA -> dial(NONE, SDES)                /* Optional, Mandatory */
    :: (aRung == MP && !sdesA || aRung == SDES) && modeA == OPTIONAL && !offLines[nOffers - 1] -> dial(NONE, PLAIN)
    :: else -> aOut = FAILED
    fi
  fi
}

/* A keyed on a rung below MIKEY: only with a peer never met, in a mode that allows it (or mode Off) */
inline a_lower(rung) {
  assert(ALLOWS(modeA, rung));
  assert(modeA == OFF || learned == LEARNED_NONE);
  aOut = rung
}

/* B's table selection for offer m: from the tables under the I_MESSAGE's MAC */
inline b_select(m) {
#ifdef CONTROL
  /* the attacker may replace the offer's table (clear SDP) */
  if
  :: d_step { ck = selKa; cs = selSu }
  :: attacker ->
    PICK(xKa); PICK(xSu);
    d_step {
      LOAD(off, xKa); LOAD(ans, bKa); choose(policy, 0, ck);
      LOAD(off, xSu); LOAD(ans, bSu); choose(policy, 1, cs);
      xKa[0] = 0; xKa[1] = 0; xKa[2] = 0; xSu[0] = 0; xSu[1] = 0; xSu[2] = 0
    }
  fi
#else
  d_step { ck = selKa; cs = selSu }
#endif
}

/*
 * call-incoming.ts decideDescription() for one m= line whose key-mgmt line is offer dM's I_MESSAGE
 * (NONE: no MIKEY line), on transport dProto, with usable a=crypto lines when dCrypto. Sets rsp.
 */
inline b_decide() {
  if
  :: dM != NONE && modeB != OFF ->
    /* screenOffer: B can screen a key agreement in its table; one outside it only if it holds its
       credentials anyway (e.g. a PSK for the caller with PSK not enabled): either may hold */
    if
    :: (bSet >> offKa[dM]) & 1 -> scr = 1
    :: !((bSet >> offKa[dM]) & 1) -> scr = 1
    :: !((bSet >> offKa[dM]) & 1) -> scr = 0
    fi;
    if
    :: !scr -> rsp = (selKa != NONE -> R_488T : R_488)  /* tableForUnusableOffer: a table, if it helps */
    :: scr && ((bSeen >> dM) & 1) -> rsp = R_488   /* a replayed I_MESSAGE (replay cache) */
    :: scr && !((bSeen >> dM) & 1) ->
      bSeen = bSeen | (1 << dM);
      b_select(dM);                               /* ck, cs := the key agreement and suite */
      d_step {
        if
        :: ck == NONE || cs == NONE -> rsp = R_488  /* "no key agreement or suite in common" */
        :: ck != NONE && cs != NONE && ck != offKa[dM] -> rsp = R_488T
        :: ck != NONE && cs != NONE && ck == offKa[dM] ->
          /* rings, is answered, connects (recordCall learns A), 200 with the R_MESSAGE;
             no downgrade: B keys exactly the policy's choice for the two tables */
          assert(ck == selKa && cs == selSu);
          bMet = 1; rmsg = rmsg | (1 << dM); rmsgSu[dM] = cs; rsp = R_200M
        fi;
        ck = 0; cs = 0
      }
    fi;
    scr = 0
  :: else ->
    d_step {
      if
      :: dM == NONE && bMet && PINS_WHEN_OFF -> rsp = R_488   /* pinning: a known MIKEY peer */
      :: else ->
        /* ladder.ts decideAnswer */
        if
        :: modeB == OFF && dProto == SAVP -> rsp = R_488
        :: modeB == OFF && dProto == AVP -> rsp = R_200P
        :: modeB != OFF && dCrypto -> rsp = R_200S
        :: modeB == OPTIONAL && !dCrypto && dProto == AVP -> rsp = R_200P
        :: modeB != OFF && !dCrypto && !(modeB == OPTIONAL && dProto == AVP) -> rsp = R_488
        fi;
        /* B keyed below MIKEY: only with a peer never met, in a mode that allows it (or Off) */
        assert(rsp != R_200S || (ALLOWS(modeB, SDES) && !bMet));
        assert(rsp != R_200P || (ALLOWS(modeB, PLAIN) && (modeB == OFF || !bMet)))
      fi
    }
  fi
}

/*
 * call-lines.ts decideLines(): the first line as a one-line offer; if refused, and not with a table
 * on a protected line, the plain line alone (when there is one). The first refusal otherwise.
 */
inline b_receive() {
  b_decide();
  if
  :: dPlain && rsp != R_200M && rsp != R_200S && rsp != R_200P && !(rsp == R_488T && dProto == SAVP) ->
    d_step { rsp1 = rsp; dM = NONE; dProto = AVP; dCrypto = 0 };
    b_decide();
    d_step { rsp = (rsp == R_200P -> R_200PL : rsp1); rsp1 = 0 }
  :: else -> skip
  fi
}

/* calls.ts onEvent 'answered' / 'failed' for A's current offer */
inline a_receive() {
  /* an answer taking a second line that A did not offer: its first line has no keys */
  d_step { rsp = (rsp == R_200PL && !offLines[nOffers - 1] -> R_200P : rsp) };
  if
  :: rsp == R_FAIL -> aOut = FAILED
  :: rsp == R_200PL -> a_lower(PLAIN)             /* "the answer takes the plain RTP/AVP line" */
  :: rsp == R_488T && !reoffered && aRung == MP && rspHint != NONE && rspHint != aKaOff ->
    dial(rspHint, MP)                             /* reoffer(): once, to another key agreement */
  :: (rsp == R_488 || rsp == R_488T) && !(rsp == R_488T && !reoffered && aRung == MP && rspHint != NONE && rspHint != aKaOff) ->
    step_down()
  :: rsp >= R_200M && rsp <= R_200P && aRung == PLAIN -> a_lower(PLAIN)   /* no offer: plain */
  :: rsp >= R_200M && rsp <= R_200P && aRung == SDES ->
    if
    :: rsp == R_200S -> a_lower(SDES)
    :: else -> aOut = FAILED                      /* not exactly one offered a=crypto line */
    fi
  :: rsp == R_200M && aRung == MP && rspM != nOffers - 1 ->
    aOut = FAILED                                 /* finish(): an R_MESSAGE for another I_MESSAGE */
  :: rsp == R_200M && aRung == MP && rspM == nOffers - 1 ->
    /* finish() passed; confirmAnswer: recompute from A's table and the R_MESSAGE's */
#ifdef CONTROL
    if
    :: d_step { ck = selKa; cs = selSu }
    :: attacker ->
      /* the answer's table and choice in clear SDP: rewritten, the choice made to match */
      PICK(xKa); PICK(xSu);
      d_step {
        LOAD(off, aKa); LOAD(ans, xKa); choose(policy, 0, ck);
        LOAD(off, aSu); LOAD(ans, xSu); choose(policy, 1, cs);
        xKa[0] = 0; xKa[1] = 0; xKa[2] = 0; xSu[0] = 0; xSu[1] = 0; xSu[2] = 0
      }
    fi;
#else
    d_step { ck = selKa; cs = selSu };
#endif
    d_step {
      if
      :: ck == aKaOff && cs != NONE ->
        /* agreement: B keyed this exchange (this offer's I_MESSAGE) with the same key agreement and suite */
        assert(rspM == nOffers - 1 && aKaOff == offKa[rspM] && cs == rmsgSu[rspM]);
        /* no downgrade: exactly the policy's choice for the two tables */
        assert(aKaOff == selKa && cs == selSu);
        aOut = MP
      :: else -> aOut = FAILED                    /* "the negotiated key agreement is not the one keyed" */
      fi;
      ck = 0; cs = 0
    }
  :: (rsp == R_200S || rsp == R_200P) && aRung == MP ->
    step_down()                                   /* no MIKEY response: hang up, next rung */
  fi;
  d_step { rsp = 0; rspM = 0; rspHint = 0 }
}

/*
 * After init, key agreements are only compared with each other and looked up in aSet and bSet, and
 * suites only copied and compared: rename them canonically, so that table pairs that differ only
 * by names share states (a symmetry reduction). A key agreement's place is its rank by what it is
 * (the choice, the first offer, the favourite, the re-offer, in A's table, in B's table), a suite is
 * the chosen one or none. Not in the control, which keeps the tables.
 */
inline canonical() {
#ifndef CONTROL
  selSu = (selSu != NONE -> 0 : NONE);
  sel_i = 0;
  do
  :: sel_i < 3 ->
    off[sel_i] = (sel_i == selKa) * 64 + (sel_i == firstKa) * 32 + (sel_i == favA) * 16 + (sel_i == hintKa) * 8 +
                 ((aSet >> sel_i) & 1) * 4 + ((bSet >> sel_i) & 1) * 2;
    sel_i++
  :: else -> break
  od;
  /* ans[x] := x's place when ordered by that signature, largest first, ties by name */
  ans[0] = (off[1] > off[0]) + (off[2] > off[0]);
  ans[1] = (off[0] >= off[1]) + (off[2] > off[1]);
  ans[2] = (off[0] >= off[2]) + (off[1] >= off[2]);
  selKa = (selKa != NONE -> ans[selKa] : NONE);
  hintKa = (hintKa != NONE -> ans[hintKa] : NONE);
  firstKa = (firstKa != NONE -> ans[firstKa] : NONE);
  favA = (favA != NONE -> ans[favA] : NONE);
  aSet = ((aSet & 1) << ans[0]) | (((aSet >> 1) & 1) << ans[1]) | (((aSet >> 2) & 1) << ans[2]);
  bSet = ((bSet & 1) << ans[0]) | (((bSet >> 1) & 1) << ans[1]) | (((bSet >> 2) & 1) << ans[2])
#else
  skip
#endif
}

init {
  atomic {
  /* the tables and the offerer's policy */
  PICK(aKa); PICK(aSu); PICK(bKa); PICK(bSu);
  if :: policy = PRIORITY :: policy = STATIC :: policy = AUTOMATIC fi;
  d_step {
    LOAD(off, aKa); LOAD(ans, bKa); choose(policy, 0, selKa);
    LOAD(off, aSu); LOAD(ans, bSu); choose(policy, 1, selSu);
    LOAD(off, aKa); LOAD(ans, bKa); choose(PLAN_POLICY, 0, hintKa);
    aSet = (aKa[0] != NONE) + 2 * (aKa[1] != NONE) + 4 * (aKa[2] != NONE);
    bSet = (bKa[0] != NONE) + 2 * (bKa[1] != NONE) + 4 * (bKa[2] != NONE);
    sdesCommon = (aSu[0] != NONE && bSu[0] != NONE) || (aSu[1] != NONE && bSu[1] != NONE) || (aSu[2] != NONE && bSu[2] != NONE);
    /* A's favourite: its first offer to a peer it has not met */
    favA = (aKa[0] == 0 -> 0 : (aKa[1] == 0 -> 1 : 2));
    firstKa = NONE;
#ifndef CONTROL
    /* what follows reads only the results above: the tables go */
    aKa[0] = 0; aKa[1] = 0; aKa[2] = 0; aSu[0] = 0; aSu[1] = 0; aSu[2] = 0;
    bKa[0] = 0; bKa[1] = 0; bKa[2] = 0; bSu[0] = 0; bSu[1] = 0; bSu[2] = 0;
    policy = 0;
#endif
    canonical()
  }
  };
  atomic {
  /* the phones' settings */
  if :: modeA = OFF :: modeA = OPTIONAL :: modeA = MANDATORY fi;
  if :: modeB = OFF :: modeB = OPTIONAL :: modeB = MANDATORY fi;
  if
  :: learned = LEARNED_NONE; firstKa = favA
  :: learned = LEARNED_EXACT;                     /* select(A, B's table).ka, else the favourite */
    firstKa = (hintKa != NONE -> hintKa : favA)
  :: learned = LEARNED_STALE;                     /* an older table of B's: any of A's */
    if
    :: (aSet & 1) -> firstKa = 0
    :: (aSet & 2) -> firstKa = 1
    :: (aSet & 4) -> firstKa = 2
    fi
  fi;
  if :: sdesA = 0 :: sdesA = 1 fi;
  if :: fallbackA = 0 :: fallbackA = 1 fi;
  if :: bMet = 0 :: bMet = 1 fi;
  if :: attacker = 0 :: attacker = 1 fi;
  d_step {
    /* without the attacker: the outcome docs/negotiation.md §4-§5 give. MIKEY when both can; else
       the best rung the ladder reaches: SDES (when A may offer it) before plain RTP, but with the
       plain line in the first offer (Optional, peer not pinned) the callee takes that at once */
    if
    :: attacker -> skip
    :: !attacker && modeA != OFF && modeB != OFF && selKa != NONE && selSu != NONE -> expOut = MP
    :: !attacker && !(modeA != OFF && modeB != OFF && selKa != NONE && selSu != NONE) ->
      sel_i = (modeA != MANDATORY && modeB != MANDATORY && (modeA == OFF || learned == LEARNED_NONE) && (modeB == OFF || !bMet));
      sel_j = (sdesA && modeA != OFF && modeB != OFF && sdesCommon && learned == LEARNED_NONE && !bMet);
      if
      :: fallbackA && modeA == OPTIONAL && learned == LEARNED_NONE -> expOut = (sel_i -> PLAIN : (sel_j -> SDES : FAILED))
      :: else -> expOut = (sel_j -> SDES : (sel_i -> PLAIN : FAILED))
      fi
    fi;
    /* forget what the rest of this run does not read, so that runs which differ only there share states */
    favA = NONE;
    sdesA = (modeA != OFF && sdesA);               /* in mode Off A offers plain RTP only */
    fallbackA = (modeA != OFF && fallbackA);
    if
    :: attacker -> hintKa = NONE; sdesCommon = 0; learned = (learned != LEARNED_NONE -> LEARNED_STALE : LEARNED_NONE)
    :: else -> aSet = 0
    fi;
    canonical()
  };
  dial(NONE, MP)
  };
  /* Each step below is atomic: there is one process, so nothing interleaves, and pan keeps no
     states inside a step */
  do
  :: aOut != GOING -> break
  :: aOut == GOING ->
    /* Copies of A's offers reach B: without the attacker the current one, once, as sent; with it
       any number of rewritten, replayed or reordered copies of any of them (or none) */
    do
    :: attacker || delivered -> break
    :: atomic {
       attacker || !delivered;
       if
       :: !attacker ->
         dM = (offKa[nOffers - 1] != NONE -> nOffers - 1 : NONE);
         dProto = (aRung == PLAIN -> AVP : SAVP);
         dCrypto = (aRung == SDES && sdesCommon);
         dPlain = offLines[nOffers - 1]
       :: attacker ->
         if
         :: dM = 0 :: nOffers > 1 -> dM = 1 :: nOffers > 2 -> dM = 2 :: nOffers > 3 -> dM = 3
         fi;
         if
         :: offKa[dM] == NONE -> dM = NONE          /* it had no key-mgmt line */
         :: offKa[dM] != NONE                       /* kept */
         :: offKa[dM] != NONE -> dM = NONE          /* stripped */
         fi;
         if :: dProto = AVP :: dProto = SAVP fi;
         if :: dCrypto = 0 :: dCrypto = 1 fi;      /* a=crypto stripped, or the attacker's own */
         if :: dPlain = 0 :: dPlain = 1 fi         /* the plain line removed, or added */
       fi;
       b_receive();
       /* without the attacker B's response goes to A; with it, it is the attacker's to use */
       d_step { delivered = !attacker; rsp = (attacker -> 0 : rsp); dM = 0; dProto = 0; dCrypto = 0; dPlain = 0 }
       }
    od;
    /* one response reaches A: B's; with the attacker anything but an R_MESSAGE can be made up */
    atomic {
    if
    :: !attacker -> rspM = nOffers - 1; rspHint = hintKa
    :: attacker -> rsp = R_FAIL
    :: attacker -> rsp = R_488
    :: attacker -> rsp = R_488T; rspHint = NONE
    :: attacker && (aSet & 1) -> rsp = R_488T; rspHint = 0
    :: attacker && (aSet & 2) -> rsp = R_488T; rspHint = 1
    :: attacker && (aSet & 4) -> rsp = R_488T; rspHint = 2
    :: attacker -> rsp = R_200S
    :: attacker -> rsp = R_200P
    :: attacker -> rsp = R_200PL
    :: attacker && (rmsg & 1) -> rsp = R_200M; rspM = 0
    :: attacker && (rmsg & 2) -> rsp = R_200M; rspM = 1
    :: attacker && (rmsg & 4) -> rsp = R_200M; rspM = 2
    :: attacker && (rmsg & 8) -> rsp = R_200M; rspM = 3
    fi;
    delivered = 0;
    a_receive()
    }
  od;

  /* liveness without an attacker: the outcome the docs give, within the round trips they claim
     (§4; §5: with the plain line in the offer, plain RTP without stepping down the ladder) */
  assert(attacker || (aOut == expOut && nOffers <= (expOut == MP -> (learned == LEARNED_EXACT -> 1 : 2) :
                      (expOut == PLAIN && fallbackA && modeA == OPTIONAL && learned == LEARNED_NONE -> 2 : MAXOFFERS))))
}

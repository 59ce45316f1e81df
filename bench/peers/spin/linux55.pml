/*
 * linux55.pml: the bounded Linux 5.5 system that `iopb check --strategy linux-5.5
 * --no-symmetry` explores, written as a SPIN engineer would write it.  See README.md next to
 * this file for how each part maps to the Swift model and why the state counts may differ.
 *
 * One process runs a loop of d_step alternatives; each alternative is one machine step
 * (`MachineStep` with its parameters), so one SPIN transition is one iopb transition and every
 * stored state sits at the loop head.  After a step the state is put in iopb's canonical form
 * (exited threads dropped, threads in creation order, processes and bitmaps numbered by first
 * use, sequences reduced to the equalities the code can observe) and the properties asserted.
 *
 * Bounds (give them with -D to `spin -a`; defaults in brackets):
 *   NCPU [2] CPUs (1..4), NPROC [2] processes at boot, NTHR [3] live threads at most (1..6),
 *   NPORTS [128] ports (a multiple of 64, 64..1024);
 *   NRANGES and R<i>LO, R<i>HI for i < NRANGES (at most 4): the ranges ioperm turns on and off
 *   [7-8,63-64,NPORTS-1; for 64 ports 7-8,63];
 *   NPROBES and P<i>PORT, P<i>W for i < NPROBES (at most 12): the port accesses (first port,
 *   width 1, 2 or 4) [without NPROBES: inb lo, inw hi, inl lo of each range].
 *   NO_MIGRATE: switches only to threads placed on that CPU (iopb's --ops without migrate).
 * Mutants (at most one): COPY_ONLY_NEW_MAX, NO_SEQUENCE_BUMP, SKIP_LIMIT_REFRESH, TRACK_IDENTITY,
 * KEEP_BASE_ON_SWITCH_OUT (each described where it acts).
 * NO_INVARIANTS: assert only the double check (not the kernel and TSS invariants).
 */

/* ------------------------------------------------------------------------------- bounds */
#ifndef NCPU
#define NCPU 2
#endif
#ifndef NPROC
#define NPROC 2
#endif
#ifndef NTHR
#define NTHR 3
#endif
#ifndef NPORTS
#define NPORTS 128
#endif
#ifndef NRANGES
#if NPORTS == 64
#define NRANGES 2
#define R0LO 7
#define R0HI 8
#define R1LO 63
#define R1HI 63
#else
#define NRANGES 3
#define R0LO 7
#define R0HI 8
#define R1LO 63
#define R1HI 64
#define R2LO (NPORTS - 1)
#define R2HI (NPORTS - 1)
#endif
#endif

#if NCPU < 1 || NCPU > 4
#error "NCPU must be 1..4"
#endif
#if NTHR < 1 || NTHR > 6 || NPROC < 1 || NPROC > NTHR
#error "need 1 <= NPROC <= NTHR <= 6"
#endif
#if NPORTS < 64 || NPORTS > 1024 || NPORTS % 64 != 0
#error "NPORTS must be a multiple of 64 in 64..1024"
#endif
#if NRANGES < 1 || NRANGES > 4
#error "NRANGES must be 1..4"
#endif

#if defined(COPY_ONLY_NEW_MAX) + defined(NO_SEQUENCE_BUMP) + defined(SKIP_LIMIT_REFRESH) + \
    defined(TRACK_IDENTITY) + defined(KEEP_BASE_ON_SWITCH_OUT) > 1
#error "at most one mutant at a time"
#endif

#define MB (NPORTS / 8)         /* bytes of one bitmap: IO_BITMAP_BYTES */

/* ----------------------------------------------------------------------------- encodings */
/* Every encoding is chosen so that the boot state is the declarations' initial values: SPIN then
 * stores no state before the first step, as iopb stores none. */

/* Thread slot t (0 <= t < nthr, in creation order): */
byte tbm[NTHR];       /* 0: no bitmap (thread.io_bitmap == NULL); b+1: bitmap slot b */
byte tfl[NTHR];       /* F_* flags below */
byte tprocx[NTHR];    /* process (numbered by first use) XOR t: the boot state's thread t, of
                         process t, holds 0 */
byte thomex[NTHR];    /* home CPU XOR (t mod NCPU) (boot placement, CPU t mod N, holds 0) */
#define F_TIF   1     /* TIF_IO_BITMAP */
#define F_IOPL3 2     /* thread.iopl_emul == 3 (only levels 0 and 3 are reachable) */
#define F_USER  4     /* uid 1000 without capabilities; clear: uid 0 with CAP_SYS_RAWIO */
#define PROC(t) (tprocx[t] ^ (t))
#define HOME(t) (thomex[t] ^ ((t) % NCPU))
#define TIF(t) ((tfl[t] & F_TIF) != 0)
#define IOPL3(t) ((tfl[t] & F_IOPL3) != 0)

/* CPU c: */
byte ccur[NCPU];      /* 0: idle; t+1: thread slot t is current */
byte cfl[NCPU];       /* C_* flags below */
byte cbase[NCPU];     /* x86_tss.io_bitmap_base: B_INVALID, B_MAP or B_ALL */
byte cpmax[NCPU];     /* io_bitmap.prev_max, in longs (bytes / 8) */
byte cpseq[NCPU];     /* io_bitmap.prev_sequence (renumbered, see canon) */
byte tss[NCPU * MB] = 255;   /* io_bitmap.bitmap of CPU c at [c*MB, c*MB+MB) */
#define C_USER  1     /* the current thread is in user mode */
#define C_LIM67 2     /* TR limit 0x67 after a VM exit, __tss_limit_invalid set */
#define B_INVALID 0   /* IO_BITMAP_OFFSET_INVALID */
#define B_MAP 1       /* IO_BITMAP_OFFSET_VALID_MAP */
#define B_ALL 2       /* IO_BITMAP_OFFSET_VALID_ALL */
/* Not represented because no step changes them: the TSS hardware part but its base, the extra
 * all-ones long after the map (layout invariant I1's tail) and mapall (I2). */

/* Bitmap slot b (0 <= b < nbm, in order of first use by the threads): struct io_bitmap */
byte bbits[NTHR * MB] = 255; /* bitmap of slot b at [b*MB, b*MB+MB); bit 1 = denied */
byte brc[NTHR];              /* refcnt */
byte bmax[NTHR];             /* max, in longs */
byte bseq[NTHR];             /* sequence (renumbered) */

byte nthr = NPROC;    /* live threads */
byte nproc = NPROC;   /* live processes */
byte nbm = 0;         /* live bitmaps */
byte seqctr = 0;      /* io_bitmap_sequence (after renumbering: how many live sequences) */
byte pend = 0;        /* an allocation failure is pending (Kernel.pendingAllocationFailures) */

#define GONE 255      /* a prev_sequence no live bitmap holds any more */
#define UNMAPPED 255
#define SEQCAP (NTHR + 2)   /* sequences before renumbering are 0 .. NTHR+1 */

/* ------------------------------------------------------------------------------- scratch */
/* Hidden: not in the state vector.  Every use writes before it reads, within one d_step. */
hidden int st, sc;                    /* the stepping thread and its CPU */
hidden int i, j, q, n;
hidden int fb, fx, ft;                /* free_bitmap */
hidden int eb;                        /* exit_io_bitmap */
hidden int xd, xc, xran;              /* thread_exit */
hidden int rd, ri, rc;                /* remove_thread */
hidden int si, sj, ss, sk;            /* canon */
hidden byte smap[SEQCAP], pmap[NTHR], bperm[NTHR], binv[NTHR];
hidden byte tbits[NTHR * MB], trc[NTHR], tmax[NTHR], tseq[NTHR];
hidden int ib, nb, cow, done, lw;     /* ioperm */
hidden int ut, ub, un;                /* exit_to_user_work, update */
hidden int ci, cj, cr;                /* check */
/* Named results, so that SPIN's "assertion violated (...)" names the property. */
hidden byte cpu_allows, thread_entitled;
hidden byte tif_iff_bitmap_or_iopl3, refcount_exact, bitmap_has_zero_bit, max_covers_zero_bits;
hidden byte I1_bytes_past_prev_max_all_ones, I3_bytes_equal_bitmap_of_prev_sequence;
hidden byte I4_valid_base_only_for_current_with_tif, sequence_numbered;

/* ------------------------------------------------------------------------- bitmap objects */

/* kfree of bitmap slot fb: later slots move down one, references follow. */
inline free_bitmap() {
  for (fx : fb .. nbm - 2) {
    for (i : 0 .. MB - 1) { bbits[fx * MB + i] = bbits[(fx + 1) * MB + i] }
    brc[fx] = brc[fx + 1]; bmax[fx] = bmax[fx + 1]; bseq[fx] = bseq[fx + 1]
  }
  fx = nbm - 1;
  for (i : 0 .. MB - 1) { bbits[fx * MB + i] = 255 }
  brc[fx] = 0; bmax[fx] = 0; bseq[fx] = 0;
  nbm--;
  for (ft : 0 .. nthr - 1) {
    if
    :: tbm[ft] > fb + 1 -> tbm[ft]--
    :: else -> skip
    fi
  }
}

/* io_bitmap_sequence: atomic64_inc_return(). */
inline next_sequence(dst) {
  seqctr++;
  dst = seqctr
}

/* task_update_io_bitmap()'s flag: TIF_IO_BITMAP := level 3 or a bitmap (Kernel.updateIOBitmapFlag). */
inline flag_update(t) {
  if
  :: IOPL3(t) || tbm[t] != 0 -> tfl[t] = tfl[t] | F_TIF
  :: else -> tfl[t] = tfl[t] & ~F_TIF
  fi
}

/* io_bitmap_exit(t) on current (Kernel.exitIOBitmap): drop the reference, free at zero. */
inline exit_io_bitmap(t) {
  eb = tbm[t];
  tbm[t] = 0;
  flag_update(t);
  if
  :: eb != 0 ->
     brc[eb - 1]--;
     if
     :: brc[eb - 1] == 0 -> fb = eb - 1; free_bitmap()
     :: else -> skip
     fi
  :: else -> skip
  fi
}

/* ---------------------------------------------------------------------------- TSS side */

/* native_tss_invalidate_io_bitmap() (Linux55Strategy.invalidate). */
#define INVALIDATE(c) cbase[c] = B_INVALID

/* native_tss_update_io_bitmap() for the current thread t of CPU c, which has TIF_IO_BITMAP
 * (Linux55Strategy.update, copyIfStale, BitmapTSS.copyOver, refreshLimit). */
inline update(c, t) {
  if
  :: IOPL3(t) -> cbase[c] = B_ALL
  :: else ->
     if
     :: tbm[t] != 0 ->
        ub = tbm[t] - 1;
        if
        :: cpseq[c] != bseq[ub] ->
           /* tss_copy_io_bitmap(): memcpy max(prev_max, max) bytes */
#ifdef COPY_ONLY_NEW_MAX
           un = bmax[ub];     /* mutant: only the incoming max, the stale-bits hole's shape */
#else
           un = (cpmax[c] > bmax[ub] -> cpmax[c] : bmax[ub]);
#endif
           for (i : 0 .. un * 8 - 1) { tss[c * MB + i] = bbits[ub * MB + i] }
           cpmax[c] = bmax[ub];
           cpseq[c] = bseq[ub]
        :: else -> skip
        fi;
        cbase[c] = B_MAP
     :: else -> cbase[c] = B_INVALID   /* WARN_ON_ONCE(!iobm): unreachable with a sound flag */
     fi
  fi;
#ifndef SKIP_LIMIT_REFRESH           /* mutant: never refresh_tss_limit() after a VM exit */
  cfl[c] = cfl[c] & ~C_LIM67           /* refresh_tss_limit(): force_reload_TR() if invalid */
#endif
}

/* Exit to user mode of CPU c's current thread (Machine.returnToUser, also after a signal). */
inline exit_to_user_work(c) {
  ut = ccur[c] - 1;
  if
  :: TIF(ut) -> update(c, ut)
  :: else -> skip
  fi
}

/* __switch_to() away from CPU c's current thread: switch_to_bitmap() invalidates when it has
 * TIF_IO_BITMAP (Linux55Strategy.contextSwitch); the incoming thread starts in the kernel. */
inline switch_out(c) {
#ifndef KEEP_BASE_ON_SWITCH_OUT      /* mutant: switch-out leaves the base valid */
  if
  :: ccur[c] != 0 && TIF(ccur[c] - 1) -> INVALIDATE(c)
  :: else -> skip
  fi;
#endif
  cfl[c] = cfl[c] & ~C_USER
}

/* -------------------------------------------------------------------------- threads */

/* Drop dead thread slot rd: later threads move down one (creation order is kept) and CPUs
 * follow; canon() renumbers the processes. */
inline remove_thread() {
  for (ri : rd .. nthr - 2) {
    tbm[ri] = tbm[ri + 1];
    tfl[ri] = tfl[ri + 1];
    tprocx[ri] = PROC(ri + 1) ^ ri;
    thomex[ri] = HOME(ri + 1) ^ (ri % NCPU)
  }
  ri = nthr - 1;
  tbm[ri] = 0; tfl[ri] = 0; tprocx[ri] = 0; thomex[ri] = 0;
  nthr--;
  for (rc : 0 .. NCPU - 1) {
    if
    :: ccur[rc] > rd + 1 -> ccur[rc]--
    :: else -> skip
    fi
  }
  skip
}

/* Thread xd exits (Kernel.exit: exit_thread() runs io_bitmap_exit() only with TIF_IO_BITMAP),
 * then leaves the CPU it runs on (Machine.retire): task_update_io_bitmap() invalidates when the
 * flag went clear, then the switch to idle invalidates when it stayed set (level 3). */
inline thread_exit() {
  xran = TIF(xd);
  if
  :: xran -> exit_io_bitmap(xd)
  :: else -> skip
  fi;
  for (xc : 0 .. NCPU - 1) {
    if
    :: ccur[xc] == xd + 1 ->
       if
       :: xran && !TIF(xd) -> INVALIDATE(xc)
       :: else -> skip
       fi;
       switch_out(xc);
       ccur[xc] = 0
    :: else -> skip
    fi
  }
  rd = xd;
  remove_thread()
}

/* --------------------------------------------------------------------------- canonical form */

/* iopb's canonical form (Kernel.renumbering, MachineState.canonical without symmetry): threads
 * stay in creation order (remove_thread keeps them so); processes and bitmaps are numbered by
 * first use in thread order (bitmaps no thread points at, which only a defect leaves, after them
 * in slot order); sequences become what the code can observe, equality: the live bitmaps'
 * sequences 1..k in bitmap order (0, the boot value, stays 0), a prev_sequence no live bitmap
 * carries becomes GONE, and the counter becomes k.  Equalities among live values, with 0 and
 * with future values (always fresh) are kept, so the renumbered system behaves as the original. */
inline canon() {
  /* processes */
  for (si : 0 .. NTHR - 1) { pmap[si] = UNMAPPED }
  sk = 0;
  for (si : 0 .. nthr - 1) {
    ss = PROC(si);
    if
    :: pmap[ss] == UNMAPPED -> pmap[ss] = sk; sk++
    :: else -> skip
    fi;
    tprocx[si] = pmap[ss] ^ si
  }
  nproc = sk;
  /* bitmaps: bperm[new] = old slot, binv[old] = new slot */
  for (si : 0 .. NTHR - 1) { binv[si] = UNMAPPED }
  sk = 0;
  for (si : 0 .. nthr - 1) {
    if
    :: tbm[si] != 0 && binv[tbm[si] - 1] == UNMAPPED -> binv[tbm[si] - 1] = sk; bperm[sk] = tbm[si] - 1; sk++
    :: else -> skip
    fi
  }
  for (si : 0 .. nbm - 1) {
    if
    :: binv[si] == UNMAPPED -> binv[si] = sk; bperm[sk] = si; sk++
    :: else -> skip
    fi
  }
  sj = 0;                                 /* does the order change? */
  for (si : 0 .. nbm - 1) {
    if
    :: bperm[si] != si -> sj = 1
    :: else -> skip
    fi
  }
  if
  :: sj ->
     for (si : 0 .. nbm * MB - 1) { tbits[si] = bbits[si] }
     for (si : 0 .. nbm - 1) { trc[si] = brc[si]; tmax[si] = bmax[si]; tseq[si] = bseq[si] }
     for (si : 0 .. nbm - 1) {
       for (ss : 0 .. MB - 1) { bbits[si * MB + ss] = tbits[bperm[si] * MB + ss] }
       brc[si] = trc[bperm[si]]; bmax[si] = tmax[bperm[si]]; bseq[si] = tseq[bperm[si]]
     }
     for (si : 0 .. nthr - 1) {
       if
       :: tbm[si] != 0 -> tbm[si] = binv[tbm[si] - 1] + 1
       :: else -> skip
       fi
     }
  :: else -> skip
  fi;
  /* sequences */
  for (si : 0 .. SEQCAP - 1) { smap[si] = UNMAPPED }
  smap[0] = 0;
  sk = 0;
  for (si : 0 .. nbm - 1) {
    if
    :: smap[bseq[si]] == UNMAPPED -> sk++; smap[bseq[si]] = sk
    :: else -> skip
    fi;
    bseq[si] = smap[bseq[si]]
  }
  for (si : 0 .. NCPU - 1) {
    if
    :: cpseq[si] != GONE && cpseq[si] < SEQCAP ->
       if
       :: smap[cpseq[si]] != UNMAPPED -> cpseq[si] = smap[cpseq[si]]
       :: else -> cpseq[si] = GONE
       fi
    :: else -> cpseq[si] = GONE
    fi
  }
  seqctr = sk
}

/* --------------------------------------------------------------------------------- checks */

#ifdef NO_INVARIANTS
inline check() { skip }
#else
/* Kernel.invariantViolations, then Linux55Strategy.invariantViolations (I1, I3, I4; I2 and I1's
 * tail hold by construction: no step writes them). */
inline check() {
  for (ci : 0 .. nthr - 1) {
    tif_iff_bitmap_or_iopl3 = (TIF(ci) == (tbm[ci] != 0 || IOPL3(ci)));
    assert(tif_iff_bitmap_or_iopl3);
    assert(tbm[ci] <= nbm)
  }
  for (ci : 0 .. nbm - 1) {
    cr = 0;
    for (cj : 0 .. nthr - 1) {
      if
      :: tbm[cj] == ci + 1 -> cr++
      :: else -> skip
      fi
    }
    refcount_exact = (brc[ci] == cr);
    assert(refcount_exact);
    lw = -1;
    for (cj : 0 .. MB - 1) {
      if
      :: bbits[ci * MB + cj] != 255 -> lw = cj / 8
      :: else -> skip
      fi
    }
    bitmap_has_zero_bit = (lw >= 0);
    assert(bitmap_has_zero_bit);
    max_covers_zero_bits = (bmax[ci] == lw + 1);
    assert(max_covers_zero_bits);
    sequence_numbered = (bseq[ci] <= seqctr);
    assert(sequence_numbered)
  }
  for (ci : 0 .. NCPU - 1) {
    I1_bytes_past_prev_max_all_ones = 1;
    for (cj : cpmax[ci] * 8 .. MB - 1) {
      if
      :: tss[ci * MB + cj] != 255 -> I1_bytes_past_prev_max_all_ones = 0
      :: else -> skip
      fi
    }
    assert(I1_bytes_past_prev_max_all_ones);
    I3_bytes_equal_bitmap_of_prev_sequence = 1;
    if
    :: cpseq[ci] != 0 && cpseq[ci] != GONE ->
       cr = -1;
       for (cj : 0 .. nbm - 1) {
         if
         :: cr < 0 && bseq[cj] == cpseq[ci] -> cr = cj
         :: else -> skip
         fi
       }
       if
       :: cr >= 0 ->
          for (cj : 0 .. cpmax[ci] * 8 - 1) {
            if
            :: tss[ci * MB + cj] != bbits[cr * MB + cj] -> I3_bytes_equal_bitmap_of_prev_sequence = 0
            :: else -> skip
            fi
          }
       :: else -> skip
       fi
    :: else -> skip
    fi;
    assert(I3_bytes_equal_bitmap_of_prev_sequence);
    I4_valid_base_only_for_current_with_tif =
      (cbase[ci] == B_INVALID || (ccur[ci] != 0 && TIF(ccur[ci] - 1)));
    assert(I4_valid_base_only_for_current_with_tif)
  };
  skip   /* a d_step must not end in a loop: SPIN would jump out of it */
}
#endif

/* ---------------------------------------------------------------------------- system calls */

/* ksys_ioperm(from, num, turn_on) by thread st on CPU sc (Kernel.ioperm, then the machine's
 * bitmapCopiedOnWrite and permissionsChanged hooks).  The ranges are valid: no EINVAL. */
inline ioperm(from, num, on) {
  if
  :: on && (tfl[st] & F_USER) -> skip                 /* EPERM: no CAP_SYS_RAWIO */
  :: else ->
     cow = 0;
     done = 0;
     if
     :: tbm[st] != 0 ->
        ib = tbm[st] - 1;
        if
        :: brc[ib] > 1 ->                              /* copy on write */
           if
           :: pend -> pend = 0; done = 1               /* kmemdup fails: ENOMEM */
           :: else ->
              nb = nbm;
              nbm++;
              for (i : 0 .. MB - 1) { bbits[nb * MB + i] = bbits[ib * MB + i] }
              bmax[nb] = bmax[ib];
#ifdef TRACK_IDENTITY
              /* mutant: the CPU records which object it copied, not its sequence; an object
               * gets its number when allocated and keeps it through in-place changes */
              next_sequence(bseq[nb]);                 /* a new object */
#else
              bseq[nb] = bseq[ib];
#endif
              brc[nb] = 1;
              exit_io_bitmap(st);                      /* drops the shared one, still live */
              cow = 1;
              ib = nb
           fi
        :: else -> skip
        fi
     :: else ->
        if
        :: !on -> done = 1                             /* nothing to clear: return 0 */
        :: else ->
           if
           :: pend -> pend = 0; done = 1               /* kmalloc fails: ENOMEM */
           :: else ->
              ib = nbm;                                /* the slot is all ones, zeros */
              nbm++;
              brc[ib] = 1;
#ifdef TRACK_IDENTITY
              next_sequence(bseq[ib])
#else
              skip
#endif
           fi
        fi
     fi;
     if
     :: !done ->
        tbm[st] = ib + 1;
        tfl[st] = tfl[st] | F_TIF;
        for (q : from .. from + num - 1) {            /* bitmap_clear / bitmap_set */
          if
          :: on -> bbits[ib * MB + q / 8] = bbits[ib * MB + q / 8] & ~(1 << (q % 8))
          :: else -> bbits[ib * MB + q / 8] = bbits[ib * MB + q / 8] | (1 << (q % 8))
          fi
        }
        lw = -1;                                       /* the linear scan for max_long */
        for (i : 0 .. MB - 1) {
          if
          :: bbits[ib * MB + i] != 255 -> lw = i / 8
          :: else -> skip
          fi
        }
        if
        :: lw < 0 -> exit_io_bitmap(st)                /* all denied again: dropped */
        :: else ->
           bmax[ib] = lw + 1;
#if defined(NO_SEQUENCE_BUMP) || defined(TRACK_IDENTITY)
           skip                                        /* mutant: no new sequence */
#else
           next_sequence(bseq[ib])
#endif
        fi;
        if                                             /* bitmapCopiedOnWrite */
        :: cow && !IOPL3(st) -> INVALIDATE(sc)
        :: else -> skip
        fi;
        if                                             /* permissionsChanged */
        :: !TIF(st) -> INVALIDATE(sc)
        :: else -> skip
        fi
     :: else -> skip
     fi
  fi
}

/* SYSCALL_DEFINE1(iopl, level) for level 0 or 3 (Kernel.iopl). */
inline iopl(level) {
  if
  :: (level == 3) == IOPL3(st) -> skip                 /* same level */
  :: level == 3 && (tfl[st] & F_USER) -> skip          /* EPERM */
  :: else ->
     if
     :: level == 3 -> tfl[st] = tfl[st] | F_IOPL3
     :: else -> tfl[st] = tfl[st] & ~F_IOPL3
     fi;
     flag_update(st);
     if
     :: !TIF(st) -> INVALIDATE(sc)
     :: else -> skip
     fi
  fi
}

/* fork() / clone(CLONE_THREAD) (Kernel.fork: copy_thread(), io_bitmap_share()); the child is the
 * newest thread (and, for fork, of the newest process), placed on the caller's CPU. */
inline fork(same) {
  if
  :: pend -> pend = 0                                  /* copy_process fails: ENOMEM */
  :: else ->
     n = nthr;
     nthr++;
     if
     :: same -> tprocx[n] = PROC(st) ^ n
     :: else -> tprocx[n] = nproc ^ n; nproc++
     fi;
     thomex[n] = sc ^ (n % NCPU);
     tfl[n] = tfl[st] & (F_USER | F_IOPL3);
     if
     :: TIF(st) ->
        tbm[n] = tbm[st];
        if
        :: tbm[st] != 0 -> brc[tbm[st] - 1]++
        :: else -> skip
        fi;
        tfl[n] = tfl[n] | F_TIF
     :: else -> skip
     fi
  fi
}

/* execve() (Kernel.exec): de_thread() makes every other thread of the process exit. */
inline exec() {
  j = 0;
  do
  :: j >= nthr -> break
  :: j < nthr && j != st && PROC(j) == PROC(st) ->
     xd = j;
     thread_exit();
     if
     :: j < st -> st--
     :: else -> skip
     fi
  :: else -> j++
  od
}

/* A user port access of ports port .. port+width-1 on CPU sc (Machine.userAccess with
 * IOPermissionCheck.decide), then the double check against Kernel.entitles. */
inline access(port, width) {
  cpu_allows = 1;
  if
  :: (cfl[sc] & C_LIM67) || cbase[sc] == B_INVALID -> cpu_allows = 0   /* map beyond the limit */
  :: else ->
     for (q : port .. port + width - 1) {
       if
       :: q >= NPORTS -> cpu_allows = 0               /* the all-ones long after the map */
       :: q < NPORTS && cbase[sc] == B_MAP && ((tss[sc * MB + q / 8] >> (q % 8)) & 1) -> cpu_allows = 0
       :: else -> skip
       fi
     }
  fi;
  if
  :: !cpu_allows -> exit_to_user_work(sc)              /* #GP: the signal is another exit */
  :: else -> skip
  fi;
  thread_entitled = (port + width - 1 < NPORTS);
  if
  :: thread_entitled && !IOPL3(st) ->
     if
     :: tbm[st] == 0 -> thread_entitled = 0
     :: else ->
        for (q : port .. port + width - 1) {
          if
          :: (bbits[(tbm[st] - 1) * MB + q / 8] >> (q % 8)) & 1 -> thread_entitled = 0
          :: else -> skip
          fi
        }
     fi
  :: else -> skip
  fi;
  assert(cpu_allows == thread_entitled)
}

/* -------------------------------------------------------------------------------- steps */
/* The steps Machine.enabledSteps offers with every operation on (StepMenu), each a d_step whose
 * first expression is its enabling condition. */

#define IN_USER(c) (ccur[c] != 0 && (cfl[c] & C_USER))
#define RUNS_ON(t, c) (ccur[c] == (t) + 1)
#define RUNS_NOWHERE(t) \
  (!RUNS_ON(t, 0) && (NCPU <= 1 || !RUNS_ON(t, 1)) && \
   (NCPU <= 2 || !RUNS_ON(t, 2)) && (NCPU <= 3 || !RUNS_ON(t, 3)))
#ifdef NO_MIGRATE
#define MAY_RUN_ON(t, c) (HOME(t) == (c))   /* --ops without migrate: each thread stays home */
#else
#define MAY_RUN_ON(t, c) true
#endif

/* A system call by the thread in user mode on CPU c: it enters the kernel and stays there.
 * SYSCALL_RENUMBERING for the calls that can free a bitmap, end a thread or take a sequence
 * (ioperm, execve, exit); the others keep the canonical form: iopl and setresuid rename nothing,
 * and fork/clone append the newest thread, whose process is either its parent's or new (the
 * next number by first use) and whose bitmap, if any, is its parent's. */
#define SYSCALL(c, guard, call) \
  :: d_step { IN_USER(c) && (guard) -> sc = c; st = ccur[c] - 1; cfl[c] = cfl[c] & ~C_USER; \
              call; check() }
#define SYSCALL_RENUMBERING(c, guard, call) \
  :: d_step { IN_USER(c) && (guard) -> sc = c; st = ccur[c] - 1; cfl[c] = cfl[c] & ~C_USER; \
              call; canon(); check() }
/* A port access by the thread in user mode on CPU c (StepMenu.probes). */
#define PROBE(c, port, width) \
  :: d_step { IN_USER(c) -> sc = c; st = ccur[c] - 1; access(port, width); check() }

/* ioperm on and off of range lo-hi; without an explicit probe list, its probes too. */
#ifdef NPROBES
#define RANGE_STEPS(c, lo, hi) \
  SYSCALL_RENUMBERING(c, true, ioperm(lo, (hi) - (lo) + 1, 1)) \
  SYSCALL_RENUMBERING(c, true, ioperm(lo, (hi) - (lo) + 1, 0))
#else
#define RANGE_STEPS(c, lo, hi) \
  SYSCALL_RENUMBERING(c, true, ioperm(lo, (hi) - (lo) + 1, 1)) \
  SYSCALL_RENUMBERING(c, true, ioperm(lo, (hi) - (lo) + 1, 0)) \
  PROBE(c, lo, 1) PROBE(c, hi, 2) PROBE(c, lo, 4)
#endif

#if NRANGES > 1
#define RANGE1(c) RANGE_STEPS(c, R1LO, R1HI)
#else
#define RANGE1(c)
#endif
#if NRANGES > 2
#define RANGE2(c) RANGE_STEPS(c, R2LO, R2HI)
#else
#define RANGE2(c)
#endif
#if NRANGES > 3
#define RANGE3(c) RANGE_STEPS(c, R3LO, R3HI)
#else
#define RANGE3(c)
#endif

/* An explicit probe list: NPROBES (at most 12) and P<i>PORT, P<i>W. */
#ifdef NPROBES
#define PROBE_I(c, i) PROBE(c, P##i##PORT, P##i##W)
#if NPROBES > 0
#define PROBES0(c) PROBE_I(c, 0)
#else
#define PROBES0(c)
#endif
#if NPROBES > 1
#define PROBES1(c) PROBES0(c) PROBE_I(c, 1)
#else
#define PROBES1(c) PROBES0(c)
#endif
#if NPROBES > 2
#define PROBES2(c) PROBES1(c) PROBE_I(c, 2)
#else
#define PROBES2(c) PROBES1(c)
#endif
#if NPROBES > 3
#define PROBES3(c) PROBES2(c) PROBE_I(c, 3)
#else
#define PROBES3(c) PROBES2(c)
#endif
#if NPROBES > 4
#define PROBES4(c) PROBES3(c) PROBE_I(c, 4)
#else
#define PROBES4(c) PROBES3(c)
#endif
#if NPROBES > 5
#define PROBES5(c) PROBES4(c) PROBE_I(c, 5)
#else
#define PROBES5(c) PROBES4(c)
#endif
#if NPROBES > 6
#define PROBES6(c) PROBES5(c) PROBE_I(c, 6)
#else
#define PROBES6(c) PROBES5(c)
#endif
#if NPROBES > 7
#define PROBES7(c) PROBES6(c) PROBE_I(c, 7)
#else
#define PROBES7(c) PROBES6(c)
#endif
#if NPROBES > 8
#define PROBES8(c) PROBES7(c) PROBE_I(c, 8)
#else
#define PROBES8(c) PROBES7(c)
#endif
#if NPROBES > 9
#define PROBES9(c) PROBES8(c) PROBE_I(c, 9)
#else
#define PROBES9(c) PROBES8(c)
#endif
#if NPROBES > 10
#define PROBES10(c) PROBES9(c) PROBE_I(c, 10)
#else
#define PROBES10(c) PROBES9(c)
#endif
#if NPROBES > 11
#define PROBES(c) PROBES10(c) PROBE_I(c, 11)
#else
#define PROBES(c) PROBES10(c)
#endif
#else
#define PROBES(c)
#endif

/* switch on CPU c to thread t, which runs nowhere (it becomes the thread's home CPU) */
#define SWITCH_TO(t, c) \
  :: d_step { (t) < nthr && RUNS_NOWHERE(t) && MAY_RUN_ON(t, c) -> \
              switch_out(c); ccur[c] = (t) + 1; thomex[t] = (c) ^ ((t) % NCPU); check() }

#if NTHR > 1
#define SWITCH1(c) SWITCH_TO(1, c)
#else
#define SWITCH1(c)
#endif
#if NTHR > 2
#define SWITCH2(c) SWITCH_TO(2, c)
#else
#define SWITCH2(c)
#endif
#if NTHR > 3
#define SWITCH3(c) SWITCH_TO(3, c)
#else
#define SWITCH3(c)
#endif
#if NTHR > 4
#define SWITCH4(c) SWITCH_TO(4, c)
#else
#define SWITCH4(c)
#endif
#if NTHR > 5
#define SWITCH5(c) SWITCH_TO(5, c)
#else
#define SWITCH5(c)
#endif

#define CPU_STEPS(c) \
  SWITCH_TO(0, c) SWITCH1(c) SWITCH2(c) SWITCH3(c) SWITCH4(c) SWITCH5(c) \
  :: d_step { ccur[c] != 0 -> switch_out(c); ccur[c] = 0; check() } \
  :: d_step { ccur[c] != 0 && !(cfl[c] & C_USER) -> \
              exit_to_user_work(c); cfl[c] = cfl[c] | C_USER; check() } \
  RANGE_STEPS(c, R0LO, R0HI) RANGE1(c) RANGE2(c) RANGE3(c) \
  SYSCALL(c, true, iopl(0)) \
  SYSCALL(c, true, iopl(3)) \
  SYSCALL(c, nthr < NTHR, fork(0)) \
  SYSCALL(c, nthr < NTHR, fork(1)) \
  SYSCALL_RENUMBERING(c, true, exec()) \
  SYSCALL_RENUMBERING(c, true, xd = st; thread_exit()) \
  SYSCALL(c, true, tfl[st] = tfl[st] | F_USER) \
  PROBES(c) \
  :: d_step { IN_USER(c) -> sc = c; st = ccur[c] - 1; exit_to_user_work(c); check() } \
  :: d_step { true -> \
              cfl[c] = cfl[c] & ~C_USER; \
              if \
              :: ccur[c] != 0 && TIF(ccur[c] - 1) -> cfl[c] = cfl[c] & ~C_LIM67 \
              :: else -> cfl[c] = cfl[c] | C_LIM67 \
              fi; \
              check() }
/* The last two: `cli` (never changes IF; #GP, faked as a NOP at level 3 or SIGSEGV below: an
 * exit to user either way), and a VM exit (invalidate_tss_limit(): reload TR at once for a
 * current thread with TIF_IO_BITMAP, else mark the limit invalid). */

#if NCPU > 1
#define CPU1 CPU_STEPS(1)
#else
#define CPU1
#endif
#if NCPU > 2
#define CPU2 CPU_STEPS(2)
#else
#define CPU2
#endif
#if NCPU > 3
#define CPU3 CPU_STEPS(3)
#else
#define CPU3
#endif

active proctype machine() {
  do
  CPU_STEPS(0)
  CPU1
  CPU2
  CPU3
  :: d_step { !pend -> pend = 1; check() }           /* inject ENOMEM */
  od
}

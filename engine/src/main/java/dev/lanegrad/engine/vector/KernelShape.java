package dev.lanegrad.engine.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * The one place where the vector kernels' shapes are decided, once, at class initialisation: the
 * species width, the vector register count assumed, the GEMM register tile (MR x NR), the cache
 * blocking (KC, MC, NC, L2_COLUMNS). Every field is a static final, so C2 folds the
 * choices and the kernels compile as if the numbers were literals.
 *
 * <pre>
 * -Dlanegrad.vector.bits=128|256|512      a species no wider than the preferred one (wider: one warning, preferred)
 * -Dlanegrad.vector.registers=16|32       the register count the tiles are shaped for (measurement, tests)
 * -Dlanegrad.vector.tileRows=5|6          rows of the 16-register tile (default: 6 on JDK 17, 5 on later JDKs)
 * -Dlanegrad.vector.tileRows=4|6          rows of the 32-register tile (default 6; 4 for measurement and tests)
 * -Dlanegrad.vector.l2Columns=N           columns of B per pass of an A block's slivers (default 512 at 32 registers)
 * </pre>
 * A value outside those lists fails class initialisation with an IllegalArgumentException that names
 * the property and the allowed values (the engine's other properties fail loudly the same way):
 * {@code Kernels} then reports it instead of falling back to the scalar kernels.
 *
 * Register count: 32 on x86 when the preferred species is 512-bit (AVX-512: EVEX encodes 32 registers,
 * also for 256- and 128-bit operations) and on aarch64 (NEON/SVE: 32 registers), and on the other
 * 64-bit targets the Vector API supports (each has at least 32 vector registers); 16 on x86 otherwise
 * (AVX2: 16 ymm, SSE: 16 xmm). A HotSpot run with -XX:UseAVX=2 on an AVX-512 CPU prefers 256-bit and
 * gets 16, which is what C2 then allocates.
 */
final class KernelShape {

    static final String BITS_PROPERTY = "lanegrad.vector.bits";
    static final String REGISTERS_PROPERTY = "lanegrad.vector.registers";
    static final String TILE_ROWS_PROPERTY = "lanegrad.vector.tileRows";
    static final String L2_COLUMNS_PROPERTY = "lanegrad.vector.l2Columns";

    /** The widest species C2 supports on this CPU (and under this JVM's -XX:UseAVX). */
    static final int PREFERRED_BITS = FloatVector.SPECIES_PREFERRED.vectorBitSize();

    /** The width every vector kernel runs at. */
    static final int BITS = bits(System.getProperty(BITS_PROPERTY), PREFERRED_BITS);
    static final VectorSpecies<Float> SPECIES = species(BITS);
    /** Floats per vector: 4, 8 or 16. */
    static final int LANES = SPECIES.length();

    /** Vector registers the tiles may use (16 or 32). */
    static final int REGISTERS = registers(System.getProperty(REGISTERS_PROPERTY),
            System.getProperty("os.arch", ""), PREFERRED_BITS);

    /**
     * The GEMM register tile: MR rows of C by NV vectors (NR = NV * LANES columns), MR * NV accumulators
     * plus NV vectors of B plus the broadcasts of A, all in registers for the whole k loop.
     * <ul>
     * <li>32 registers (AVX-512, NEON): 6 x 4 vectors = 24 accumulators + 4 B + 1 broadcast = 29 of 32; 10 loads
     *     per 24 FMAs. The 4 x 4 tile before it (16 + 4 + 1 = 21) also reaches the FMA peak with its operands in
     *     L1, but it reads B once per 16 FMAs instead of once per 24, and a product's B panels stream from L2 or
     *     further (S5's W_hh, 1 MB, is the whole L2 of a Zen 5 core). AMD EPYC family 26 model 2 (Zen 5, 512-bit
     *     FMA units), 2 cores, JDK 17.0.15, one thread, the same jar with -Dlanegrad.vector.tileRows=4 and 6 in
     *     alternating JVMs (docs/kernels.md): in-place tiles over 16 panels x 16 slivers 205 -> 214 GFLOP/s (fmapeak
     *     226), S5's hidden product in its pattern 163-171 -> 180-188, S4 LSTM (`bench --case S4 --cell lstm
     *     --threads 1`) 546 / 556 -> 488 / 469 ms per step, S5 LSTM 3,678-3,884 -> 3,829-3,979 seq/s (four rounds,
     *     6 rows ahead in three; level in the three rounds before), S3 and S5 RNN / GRU level. Temurin 25.0.3 the same way: the 16 x 16 in-place tiles 170 -> 190,
     *     S5's fused forward 3,801 -> 4,005 seq/s. With its operands in L1 the 6 x 4 loop ran at 215-232 GFLOP/s
     *     on JDK 17 (kc 256 and 128), at the FMA peak, so C2 keeps it in the registers. On AMD EPYC family 25
     *     model 17 (Zen 4: AVX-512 on 256-bit units, half the FMAs per cycle, so half the bytes of B per cycle)
     *     the two tiles ran level: S4 LSTM 765-845 against 780-833 ms, S5 LSTM 2,259-2,451 against 2,210-2,482
     *     seq/s, 1024^3 90-101 against 91-105 GFLOP/s (docs/kernels.md, twenty-sixth session), so one tile serves
     *     both.</li>
     * <li>16 registers (AVX2, SSE): MR x 2 vectors. The 4 x 4 tile needs 21 and C2 spilled accumulators in
     *     the k loop (0.40-0.63 of OpenBLAS's AVX2 sgemm). 6 x 2 (BLIS's Haswell shape, 6x16 at 256 bits) is
     *     12 accumulators + 2 B + 1 broadcast = 15 of 16, and JDK 17's C2 allocates its loop in exactly
     *     those. Temurin 25's C2 sometimes schedules three broadcasts of A ahead of their FMAs (17 registers)
     *     and then keeps an accumulator on the stack, loaded and stored every k step: 1024^3 at AVX2 width 45-48
     *     GFLOP/s at one thread (JDK 17: 102-104), though 191-200 at two, whose compile differed. 5 x 2 (10 + 2,
     *     room for 4 broadcasts in flight) ran 97.7 at one thread and 186-188 at two on Temurin 25, 98.8-99.0 at
     *     one on JDK 17 (AMD EPYC family 25 model 17, Zen 4, -XX:UseAVX=2, docs/kernels.md). So 6 rows on JDK
     *     17 and 5 on every later JDK (18 to 24 not measured: 5 is the side with registers to spare).</li>
     * </ul>
     */
    static final boolean SIXTEEN_REGISTERS = REGISTERS < 32;
    static final int MR = SIXTEEN_REGISTERS
            ? tileRows(System.getProperty(TILE_ROWS_PROPERTY), Runtime.version().feature())
            : wideTileRows(System.getProperty(TILE_ROWS_PROPERTY));
    static final int NV = SIXTEEN_REGISTERS ? 2 : 4;
    static final int NR = NV * LANES;
    /**
     * Rows of the smaller tile used near the bottom edge of an A block: with 6-row tiles, 32 rows would
     * be 5 tiles and one of 2 rows padded to 6 (36 rows computed for 32: at 32x1024x128 that cost ~15%);
     * 4 x NV vectors (16 registers: 8 accumulators + 2 + 1 = 11, 8 FMA chains, still two pipes times a
     * 4-cycle latency; 32 registers: the 4 x 4 tile) cover the rest with at most 3 padded rows.
     */
    static final int MR_SMALL = 4;
    /**
     * Row counts from 4 on that are multiples of this run in whole slivers, no row padded ({@link #sliverRows}):
     * every even count with 6-row tiles (6s and 4s), multiples of 4 with 5- and 4-row tiles.
     */
    static final int ROW_MULTIPLE = MR == 6 ? 2 : MR_SMALL;

    /**
     * Depth of a packed block. 256 k steps: the A sliver (KC, MR) is 4-6 KiB and stays in L1 while the
     * kernel streams the B panel (KC, NR) (16 KiB at 6x16/AVX2, in L1; 64 KiB at 4x64/AVX-512, in L2);
     * BLIS uses 256 for Haswell sgemm too. Deeper blocks would evict the A block from L2, shallower
     * ones re-read and re-write C more often.
     */
    static final int KC = 256;
    /**
     * Depth of the k blocks when op(A) = A^T and k > KC: the weight-gradient form dY^T . X, whose k is the
     * T * B rows of a sequence batch (660 on the large golden GRU case, thousands in training). Each block
     * is one FMA chain from zero, added into C in order, so the worst-case error grows like
     * (depth + k / depth) * eps instead of (KC + k / KC) * eps: on that case the worst weight_hh gradient
     * error went from 3.6e-6 (blocks of KC) to 1.4e-6, p99.9 from 1.7e-6 to 8.3e-7 (PyTorch float32: 9.5e-7
     * and 7.2e-7; one ulp of the largest value is 9.5e-7), the same bits at 128, 256 and 512 bits. Blocks
     * of 32 gave 1.2e-6. The cost: 771 x 257 x 660 A^T.B ran ~8% slower (512-bit 130 -> 120 GFLOP/s, 256-bit
     * 85 -> 77, Zen 5, one thread). The blocked path packs KC-deep blocks and sums these chains inside each
     * tile (GemmMicroKernel.tileChained), so C is not passed over once per chain. Forward products (op(A) =
     * A, also every prepacked one) keep KC, and so does every k <= KC.
     */
    static final int KC_LONG = 64;

    /**
     * Rows of a packed A block, a whole number of MR-row tiles (96 for 4 and 6 rows, 100 for 5): (MC, KC) =
     * 96-100 KiB, a fifth of a 512 KiB L2 and a tenth of a 1 MiB one. Each sliver of it stays in L1 while
     * the B panels stream past.
     */
    static final int MC = MR == 5 ? 100 : 96;
    /**
     * Columns of a packed B block: (KC, NC) = 2 MiB, it lives in L3 and is streamed past each A sliver in
     * the order it was packed (sequential reads the prefetchers follow; 512 x 4096 x 1024 at AVX2 width, AMD
     * EPYC family 25 model 17 (Zen 4), JDK 17.0.15, one thread: 94.8-96.0 GFLOP/s with NC 2048, 91.3-95.3 with
     * NC 1024; docs/kernels.md).
     */
    static final int NC = 2048;
    /**
     * Columns of the packed B block that all the slivers of an A block stream past before the next columns (and
     * of a prepacked B, GemmPrepacked):
     * (KC, L2_COLUMNS) should stay in the core's L2 while it is read once per sliver. At 32 registers 512
     * (512 KB, half the 1 MB or more of L2 per core of the AVX-512 and Arm server cores we know); the whole
     * 2 MB block before it was read from L3 sixteen times per A block. The B block is still packed NC columns
     * at a time and the A block once per k block (NC 512 instead re-packed A per 512 columns: 4096 x 1024 x 2048
     * A^T 4-6 % slower). AMD EPYC family 26 model 2 (Zen 5, 1 MB L2), AVX-512, JDK 17.0.15, one thread, `bench
     * gemm --warmup-ms 2000 --repetitions 9`, the same jar with 2048 (the order before) and 512 in alternating
     * JVMs, two rounds, GFLOP/s: 1024^3 152.6 / 160.8 -> 168.4 / 170.0 (beside OpenBLAS 0.3.21 SkylakeX's
     * 180.9 / 176.6: 144.0 / 170.3 -> 166.9 / 178.5), 4096 x 1024 x 2048 A^T 129.1 / 114.1 -> 130.5 / 133.0,
     * 2048 x 4096 x 512 154.9 / 149.3 -> 156.7 / 163.9, 512 x 4096 x 1024 151.9 / 146.3 -> 153.7 / 157.9,
     * 3200 x 1024 x 128 167.1 / 172.3 -> 169.2 / 173.5. At 16 registers NC, as before: on AMD EPYC family 25 model
     * 17 (Zen 4, 1 MB L2) at AVX2 width 512 and 256 showed no gain over 2048 (S4 LSTM, 1024^3; docs/kernels.md,
     * twenty-seventh session); an AVX2 core with 512 KB of L2 (Zen 3) is not measured yet.
     * {@code -Dlanegrad.vector.l2Columns=N} forces it (measurements, tests).
     */
    static final int L2_COLUMNS = l2Columns(System.getProperty(L2_COLUMNS_PROPERTY), SIXTEEN_REGISTERS ? NC : 512, NR);

    /**
     * Columns of B packed at once when op(A) fits one block (m <= MC), a whole number of panels: 256
     * floats, 1 KB of each stored row of B per pass, and a packed group of KC x 256 floats (256 KB, in
     * L2). Packing one 16-column panel at a time (6x16 tile, AVX2) read a single line from each of KC
     * rows, KC separate streams that the hardware prefetchers do not follow. 64 columns (four lines per
     * row) -> 256, `bench gemm`, three alternating rounds, medians (AMD EPYC family 25 model 17, Zen 4,
     * JDK 17.0.15, one thread): 64 x 4096 x 512 79.4 -> 86.9 GFLOP/s at AVX2 width, 92.5 -> 94.2 at 512
     * bits; 32 x 1024 x 128 73.1 -> 75.7 and 92.4 -> 91.0; 96 x 1024 x 256 level (docs/kernels.md).
     */
    static final int GROUP = NR * Math.max(1, 256 / NR);

    /**
     * Floats of scratch a thread needs for one spilled tile: the GEMM tile or the 4-panel row of
     * {@link GemmRowKernel}, whichever is larger.
     */
    static final int TILE_SCRATCH = Math.max(MR * NR, 4 * NR);

    private KernelShape() {
    }

    /**
     * Depth of the k blocks of a product: {@link #KC_LONG} for op(A) = A^T with k > KC, else KC. Every
     * path of one product uses it, so a row's bits still do not depend on the rows around it.
     */
    static int depth(boolean transA, int k) {
        return transA && k > KC ? KC_LONG : KC;
    }

    /**
     * Height of the next A sliver when rem rows of the block are left: MR, except that with 16-register
     * tiles some rows go into 4-row slivers so that few are padded. 6-row tiles: the last 1-4, 7 or 8 rows
     * (8 = 4 + 4, 7 = 4 + 3, 14 = 6 + 4 + 4), so an even row count is never padded. 5-row tiles: 4-row
     * slivers until a multiple of 5 is left (each takes 4 off, so at most four of them: 64 = 4 + 12 x 5,
     * 32 = 3 x 4 + 4 x 5), so only counts below 12 are ever padded, by at most 3 rows.
     */
    static int sliverRows(int rem) {
        if (MR_SMALL == MR) {
            return MR;
        }
        boolean small = MR == 5 ? rem <= MR_SMALL || rem % MR != 0
                : rem <= MR_SMALL || rem == 2 * MR_SMALL - 1 || rem == 2 * MR_SMALL;
        return small ? MR_SMALL : MR;
    }

    /**
     * Rows of a block of {@code rows} that a 32-register target reads in place ({@link GemmPrepacked#A_IN_PLACE}),
     * in slivers of {@link #sliverRows}{@code (inPlace - done)}: the largest multiple of {@link #ROW_MULTIPLE} from 4
     * on, so at most ROW_MULTIPLE - 1 rows (or a block of 1-3) are packed and padded. Full MR slivers alone left
     * 32 rows at 6-row tiles as 30 in place and 2 packed into a 4-row sliver (34 rows computed, and the packing):
     * each half of S5's batch at two threads. `bench --case S5 --cell lstm`, the jars before and after in alternating
     * JVMs, AMD EPYC family 26 model 2 (Zen 5), AVX-512, 2 cores, JDK 17.0.15: two threads 5,780-6,491 -> 6,450-7,389
     * seq/s (four rounds, ahead in each), one thread (64 rows: 60 + 4 packed before) 3,274 / 3,282 -> 3,411 / 3,411.
     */
    static int inPlaceRows(int rows) {
        return rows < MR_SMALL ? 0 : rows / ROW_MULTIPLE * ROW_MULTIPLE;
    }

    static int bits(String forced, int preferred) {
        if (forced == null || forced.isBlank()) {
            return preferred;
        }
        int bits;
        switch (forced.trim()) {
            case "128" -> bits = 128;
            case "256" -> bits = 256;
            case "512" -> bits = 512;
            default -> throw new IllegalArgumentException("-D" + BITS_PROPERTY + "=" + forced
                    + ": expected 128, 256 or 512 (the vector width in bits; at most the CPU's preferred " + preferred + ")");
        }
        if (bits > preferred) {
            System.getLogger(KernelShape.class.getName()).log(Level.WARNING,
                    "lanegrad: -D" + BITS_PROPERTY + "=" + bits + " is wider than this CPU's preferred " + preferred
                            + "-bit vectors; using " + preferred + " bits");
            return preferred;
        }
        return bits;
    }

    static VectorSpecies<Float> species(int bits) {
        return switch (bits) {
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> FloatVector.SPECIES_PREFERRED; // a preferred width outside the three (64-bit): run at it
        };
    }

    static int registers(String forced, String arch, int preferredBits) {
        if (forced != null && !forced.isBlank()) {
            switch (forced.trim()) {
                case "16":
                    return 16;
                case "32":
                    return 32;
                default:
                    throw new IllegalArgumentException("-D" + REGISTERS_PROPERTY + "=" + forced + ": expected 16 or 32");
            }
        }
        String a = arch.toLowerCase(Locale.ROOT);
        boolean x86 = a.equals("amd64") || a.equals("x86_64") || a.equals("x86") || a.equals("i386") || a.equals("i686");
        return x86 && preferredBits < 512 ? 16 : 32;
    }

    static int tileRows(String forced, int jdkFeature) {
        if (forced == null || forced.isBlank()) {
            return jdkFeature <= 17 ? 6 : 5;
        }
        return switch (forced.trim()) {
            case "5" -> 5;
            case "6" -> 6;
            default -> throw new IllegalArgumentException("-D" + TILE_ROWS_PROPERTY + "=" + forced
                    + ": expected 5 or 6 (rows of the 16-register GEMM tile)");
        };
    }

    /** Rows of the 32-register tile (x 4 vectors): 6, or 4 when forced (the tile before it, for measurements). */
    static int wideTileRows(String forced) {
        if (forced == null || forced.isBlank()) {
            return 6;
        }
        return switch (forced.trim()) {
            case "4" -> 4;
            case "6" -> 6;
            default -> throw new IllegalArgumentException("-D" + TILE_ROWS_PROPERTY + "=" + forced
                    + ": expected 4 or 6 (rows of the GEMM tile at " + REGISTERS + " registers)");
        };
    }

    /** Columns of B per pass of an A block's slivers: forced (a multiple of nr from nr to NC), or the default. */
    static int l2Columns(String forced, int defaultColumns, int nr) {
        if (forced == null || forced.isBlank()) {
            return defaultColumns;
        }
        int columns;
        try {
            columns = Integer.parseInt(forced.trim());
        } catch (NumberFormatException e) {
            columns = -1;
        }
        if (columns < nr || columns > NC || columns % nr != 0) {
            throw new IllegalArgumentException("-D" + L2_COLUMNS_PROPERTY + "=" + forced + ": expected a multiple of "
                    + nr + " from " + nr + " to " + NC + " (columns of B per pass of an A block, whole panels)");
        }
        return columns;
    }
}

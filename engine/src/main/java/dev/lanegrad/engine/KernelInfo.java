package dev.lanegrad.engine;

/**
 * What this JVM runs: the JDK, the architecture, which kernels were chosen and why, and the shapes the
 * vector kernels were given ({@link Kernels#describe()}). Tools print it (the {@code lanegrad info}
 * command; a server or a benchmark log can print it too) so that every figure can be tied to the
 * width and tile that produced it.
 *
 * @param kernels "vector" or "scalar": the implementation {@link Kernels#provider()} uses
 * @param reason  why that implementation was chosen
 * @param shape   the vector kernels' shapes, or {@link Shape#NONE} when the Vector API is not readable
 * @param threads the engine's thread count ({@link EngineThreads#threads()})
 */
public record KernelInfo(String javaVersion, String javaVendor, String osArch, String kernels, String reason,
                         Shape shape, int threads) {

    /**
     * The vector kernels' shapes, decided once when they load.
     *
     * @param bits          species width every vector kernel uses (128, 256 or 512)
     * @param preferredBits the widest species this CPU and JVM support
     * @param lanes         floats per vector
     * @param registers     vector registers the tiles are shaped for (16 or 32)
     * @param mr            rows of the GEMM register tile
     * @param nr            columns of the GEMM register tile (a whole number of vectors)
     * @param kc            depth of a packed GEMM block
     * @param mc            rows of a packed A block
     * @param nc            columns of a packed B block
     * @param l2Columns     columns of that block streamed past all the slivers of an A block per pass
     * @param activationBits species width of the activations and fused recurrent steps
     */
    public record Shape(int bits, int preferredBits, int lanes, int registers, int mr, int nr, int kc, int mc, int nc,
                        int l2Columns, int activationBits) {

        /** No vector kernels in this JVM. */
        public static final Shape NONE = new Shape(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        /** Vectors per row of the register tile. */
        public int tileVectors() {
            return lanes == 0 ? 0 : nr / lanes;
        }

        /** Registers the GEMM tile keeps live: mr * tileVectors accumulators, tileVectors B vectors, one broadcast. */
        public int tileRegisters() {
            return mr * tileVectors() + tileVectors() + 1;
        }
    }

    /** Several lines of "name: value", for a terminal or a log. */
    public String toText() {
        StringBuilder s = new StringBuilder();
        s.append("java:          ").append(javaVersion).append(" (").append(javaVendor).append(")\n");
        s.append("os.arch:       ").append(osArch).append('\n');
        s.append("kernels:       ").append(kernels).append(" (").append(reason).append(")\n");
        if (shape.bits() == 0) {
            s.append("vector shape:  none (the Vector API is not readable)\n");
        } else {
            s.append("species:       ").append(shape.bits()).append(" bits, ").append(shape.lanes()).append(" float lanes")
                    .append(" (preferred ").append(shape.preferredBits()).append(" bits)\n");
            if (shape.activationBits() != shape.bits()) {
                s.append("activations:   ").append(shape.activationBits()).append(" bits\n");
            }
            s.append("registers:     ").append(shape.registers()).append(" vector registers assumed\n");
            s.append("gemm tile:     ").append(shape.mr()).append(" x ").append(shape.nr()).append(" (")
                    .append(shape.mr()).append(" rows x ").append(shape.tileVectors()).append(" vectors, ")
                    .append(shape.tileRegisters()).append(" of ").append(shape.registers()).append(" registers)\n");
            s.append("gemm blocking: KC ").append(shape.kc()).append(", MC ").append(shape.mc()).append(", NC ")
                    .append(shape.nc()).append(" (passes of ").append(shape.l2Columns()).append(")\n");
        }
        s.append("threads:       ").append(threads).append('\n');
        return s.toString();
    }
}

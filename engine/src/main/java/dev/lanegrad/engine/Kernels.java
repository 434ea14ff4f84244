package dev.lanegrad.engine;

import dev.lanegrad.engine.scalar.ScalarKernelProvider;

import java.lang.System.Logger.Level;

/**
 * The kernels this JVM uses, chosen once (Lucene's provider pattern).
 *
 * The Vector API implementation is loaded by name only when the module jdk.incubator.vector is
 * readable, so nothing else links the incubator module. Without it we fall back to the scalar
 * specification and log ONE warning telling the user how to get the fast path.
 * {@code -Dlanegrad.kernels=scalar|vector} forces a choice; forcing "vector" without the module fails.
 */
public final class Kernels {

    public static final String PROPERTY = "lanegrad.kernels";
    static final String VECTOR_PROVIDER = "dev.lanegrad.engine.vector.VectorKernelProvider";
    static final String VECTOR_MODULE = "jdk.incubator.vector";

    private static final KernelProvider PROVIDER = choose(System.getProperty(PROPERTY, ""));
    private static final String REASON = reason(System.getProperty(PROPERTY, ""), PROVIDER);

    private Kernels() {
    }

    /** The provider in use. */
    public static KernelProvider provider() {
        return PROVIDER;
    }

    public static Gemm gemm() {
        return PROVIDER.gemm();
    }

    public static ArrayOps ops() {
        return PROVIDER.ops();
    }

    public static RecurrentKernels recurrent() {
        return PROVIDER.recurrent();
    }

    /** The scalar specification, whatever the provider in use (tests compare against it). */
    public static KernelProvider scalar() {
        return ScalarKernelProvider.INSTANCE;
    }

    /**
     * The JDK, the architecture, the kernels in use and why, the vector shapes (species width and lanes,
     * registers assumed, GEMM tile and blocking) and the engine's thread count.
     */
    public static KernelInfo describe() {
        KernelProvider vector = vectorOrNull();
        return new KernelInfo(System.getProperty("java.version", "?"), System.getProperty("java.vendor", "?"),
                System.getProperty("os.arch", "?"), PROVIDER.name(), REASON,
                vector == null ? KernelInfo.Shape.NONE : vector.shape(), EngineThreads.threads());
    }

    static String reason(String forced, KernelProvider chosen) {
        if (forced.equals("scalar")) {
            return "-D" + PROPERTY + "=scalar";
        }
        if (chosen.name().equals("vector")) {
            return forced.isEmpty() ? VECTOR_MODULE + " is readable" : "-D" + PROPERTY + "=vector";
        }
        return VECTOR_MODULE + " is not readable: add --add-modules " + VECTOR_MODULE + " to the java command line";
    }

    /** Whether the Vector API module is readable in this JVM. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** The Vector API provider, or null when the module is missing or the class cannot be loaded. */
    public static KernelProvider vectorOrNull() {
        if (!vectorModulePresent()) {
            return null;
        }
        try {
            Class<?> type = Class.forName(VECTOR_PROVIDER);
            return (KernelProvider) type.getField("INSTANCE").get(null);
        } catch (ExceptionInInitializerError e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                throw bad; // a malformed -Dlanegrad.vector.* property: say so rather than fall back quietly
            }
            return null;
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    static KernelProvider choose(String forced) {
        switch (forced) {
            case "scalar":
                return ScalarKernelProvider.INSTANCE;
            case "vector": {
                KernelProvider vector = vectorOrNull();
                if (vector == null) {
                    throw new IllegalStateException("-D" + PROPERTY + "=vector, but the Vector API kernels cannot be loaded: "
                            + "start java with --add-modules " + VECTOR_MODULE);
                }
                return vector;
            }
            case "": {
                KernelProvider vector = vectorOrNull();
                if (vector != null) {
                    return vector;
                }
                System.getLogger(Kernels.class.getName()).log(Level.WARNING,
                        "lanegrad: the Vector API is not available, using the slower scalar kernels. "
                                + "Add --add-modules " + VECTOR_MODULE + " to the java command line for SIMD kernels.");
                return ScalarKernelProvider.INSTANCE;
            }
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + forced + ": expected scalar or vector");
        }
    }
}

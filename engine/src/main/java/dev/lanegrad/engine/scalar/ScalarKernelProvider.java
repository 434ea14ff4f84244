package dev.lanegrad.engine.scalar;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.KernelProvider;
import dev.lanegrad.engine.RecurrentKernels;

/** Plain loops, no incubator import: the specification every SIMD kernel must match, and the fallback. */
public final class ScalarKernelProvider implements KernelProvider {

    public static final ScalarKernelProvider INSTANCE = new ScalarKernelProvider();

    private final Gemm gemm = new ScalarGemm();
    private final ArrayOps ops = ArrayOps.checked(new ScalarArrayOps());
    private final RecurrentKernels recurrent = RecurrentKernels.checked(new ScalarRecurrentKernels());

    private ScalarKernelProvider() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public Gemm gemm() {
        return gemm;
    }

    @Override
    public ArrayOps ops() {
        return ops;
    }

    @Override
    public RecurrentKernels recurrent() {
        return recurrent;
    }
}

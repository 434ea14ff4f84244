package dev.lanegrad.engine.scalar;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.KernelInfo;
import dev.lanegrad.engine.KernelProvider;
import dev.lanegrad.engine.RecurrentKernels;

/** Plain loops, no incubator import: the specification every SIMD kernel must match, and the fallback. */
public final class ScalarKernelProvider {

    public static final KernelProvider INSTANCE = new KernelProvider("scalar", new ScalarGemm(),
            ArrayOps.checked(new ScalarArrayOps()), RecurrentKernels.checked(new ScalarRecurrentKernels()),
            KernelInfo.Shape.NONE);

    private ScalarKernelProvider() {
    }
}

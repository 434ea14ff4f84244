package dev.lanegrad.engine.scalar;

import dev.lanegrad.engine.KernelInfo;
import dev.lanegrad.engine.KernelProvider;
import dev.lanegrad.engine.KernelSet;

/** Plain loops, no incubator import: the specification every SIMD kernel must match, and the fallback. */
public final class ScalarKernelProvider {

    public static final KernelProvider INSTANCE = KernelSet.checked("scalar", new ScalarGemm(), new ScalarArrayOps(),
            new ScalarRecurrentKernels(), KernelInfo.Shape.NONE);

    private ScalarKernelProvider() {
    }
}

package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.KernelInfo;
import dev.lanegrad.engine.KernelProvider;
import dev.lanegrad.engine.RecurrentKernels;

/**
 * The Vector API kernels. Only {@code dev.lanegrad.engine.Kernels} names this class, by reflection,
 * after checking that jdk.incubator.vector is readable: nothing else links the incubator module.
 * Loading it initialises {@link KernelShape}, so a malformed -Dlanegrad.vector.* property fails here.
 */
public final class VectorKernelProvider {

    public static final KernelProvider INSTANCE = new KernelProvider("vector", new VectorGemm(),
            ArrayOps.checked(new VectorArrayOps()), RecurrentKernels.checked(new VectorRecurrentKernels()),
            new KernelInfo.Shape(KernelShape.BITS, KernelShape.PREFERRED_BITS, KernelShape.LANES, KernelShape.REGISTERS,
                    KernelShape.MR, KernelShape.NR, KernelShape.KC, KernelShape.MC, KernelShape.NC,
                    KernelShape.L2_COLUMNS, VectorMath.F.vectorBitSize()));

    private VectorKernelProvider() {
    }
}

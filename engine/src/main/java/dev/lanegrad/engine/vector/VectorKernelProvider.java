package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.KernelInfo;
import dev.lanegrad.engine.KernelProvider;
import dev.lanegrad.engine.RecurrentKernels;

/**
 * The Vector API kernels. Only {@code dev.lanegrad.engine.Kernels} names this class, by reflection,
 * after checking that jdk.incubator.vector is readable: nothing else links the incubator module.
 * Loading it initialises {@link KernelShape}, so a malformed -Dlanegrad.vector.* property fails here.
 */
public final class VectorKernelProvider implements KernelProvider {

    public static final VectorKernelProvider INSTANCE = new VectorKernelProvider();

    private final KernelInfo.Shape shape = new KernelInfo.Shape(KernelShape.BITS, KernelShape.PREFERRED_BITS,
            KernelShape.LANES, KernelShape.REGISTERS, KernelShape.MR, KernelShape.NR, KernelShape.KC, KernelShape.MC,
            KernelShape.NC, VectorMath.F.vectorBitSize());
    private final Gemm gemm = new VectorGemm();
    private final ArrayOps ops = ArrayOps.checked(new VectorArrayOps());
    private final RecurrentKernels recurrent = RecurrentKernels.checked(new VectorRecurrentKernels());

    private VectorKernelProvider() {
    }

    @Override
    public String name() {
        return "vector";
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

    @Override
    public KernelInfo.Shape shape() {
        return shape;
    }
}

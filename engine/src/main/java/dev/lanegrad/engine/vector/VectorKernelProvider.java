package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.KernelProvider;
import dev.lanegrad.engine.RecurrentKernels;

/**
 * The Vector API kernels. Only {@code dev.lanegrad.engine.Kernels} names this class, by reflection,
 * after checking that jdk.incubator.vector is readable: nothing else links the incubator module.
 */
public final class VectorKernelProvider implements KernelProvider {

    public static final VectorKernelProvider INSTANCE = new VectorKernelProvider();

    private final Gemm gemm = new VectorGemm();
    private final ArrayOps ops = new VectorArrayOps();
    private final RecurrentKernels recurrent = new VectorRecurrentKernels();

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
}

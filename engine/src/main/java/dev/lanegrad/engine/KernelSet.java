package dev.lanegrad.engine;

/**
 * A {@link KernelProvider} made of its parts: what the scalar and the vector providers are
 * ({@code ScalarKernelProvider.INSTANCE}, {@code VectorKernelProvider.INSTANCE}).
 *
 * @param shape the vector kernels' shapes, {@link KernelInfo.Shape#NONE} for the scalar ones
 */
public record KernelSet(String name, Gemm gemm, ArrayOps ops, RecurrentKernels recurrent, KernelInfo.Shape shape)
        implements KernelProvider {

    /** The set with ops and recurrent behind their argument checks (CheckedArrayOps, CheckedRecurrentKernels). */
    public static KernelSet checked(String name, Gemm gemm, ArrayOps ops, RecurrentKernels recurrent, KernelInfo.Shape shape) {
        return new KernelSet(name, gemm, ArrayOps.checked(ops), RecurrentKernels.checked(recurrent), shape);
    }
}

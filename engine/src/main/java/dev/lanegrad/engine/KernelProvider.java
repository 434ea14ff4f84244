package dev.lanegrad.engine;

/**
 * One complete set of kernels: the scalar specification or the Vector API implementation.
 *
 * @param name      "scalar" or "vector"
 * @param shape     the shapes of the vector kernels ({@link KernelInfo.Shape#NONE} for the scalar ones)
 */
public record KernelProvider(String name, Gemm gemm, ArrayOps ops, RecurrentKernels recurrent, KernelInfo.Shape shape) {
}

package dev.lanegrad.engine;

/** One complete set of kernels: the scalar specification or the Vector API implementation. */
public interface KernelProvider {

    /** "scalar" or "vector" */
    String name();

    Gemm gemm();

    ArrayOps ops();

    RecurrentKernels recurrent();

    /** The shapes of this provider's vector kernels ({@link KernelInfo.Shape#NONE} for the scalar ones). */
    default KernelInfo.Shape shape() {
        return KernelInfo.Shape.NONE;
    }
}

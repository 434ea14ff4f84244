package dev.lanegrad.engine;

/** One complete set of kernels: the scalar specification or the Vector API implementation. */
public interface KernelProvider {

    /** "scalar" or "vector" */
    String name();

    Gemm gemm();

    ArrayOps ops();

    RecurrentKernels recurrent();
}

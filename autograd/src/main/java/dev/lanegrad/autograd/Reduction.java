package dev.lanegrad.autograd;

/** How a loss combines its per-element terms. */
public enum Reduction {
    /** the weighted mean: sum of w_i l_i over counted positions / sum of their w_i (PyTorch's rule) */
    MEAN,
    /** the plain (weighted) sum */
    SUM
}

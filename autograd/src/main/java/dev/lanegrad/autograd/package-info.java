/**
 * Reverse-mode automatic differentiation over flat float32 buffers.
 *
 * <ul>
 * <li>{@link dev.lanegrad.autograd.Tensor}: shape + a range of a float[]; leaves (parameters, inputs)
 *     own their memory, intermediates live in a {@link dev.lanegrad.autograd.Tape}'s arena ({@code TapeArena}).</li>
 * <li>{@link dev.lanegrad.autograd.Tape}: records the ops of one step on this thread;
 *     {@code backward} walks them in reverse and ACCUMULATES gradients; {@code reset} makes the
 *     arena reusable, so a fixed-shape training loop stops allocating buffers after its first step.</li>
 * <li>{@link dev.lanegrad.autograd.Ops}: the ops. Each op is one small package-private class with its
 *     forward ({@code apply}) and its backward side by side (Add, Mul, MatMul, LinearOp, Activation,
 *     Softmax, Reduce, Concat, Split, EmbeddingOp, DropoutOp, MseLoss, CrossEntropy, Scale).</li>
 * <li>{@link dev.lanegrad.autograd.CustomOp}: a coarse op (several inputs and outputs, one node) with a
 *     hand-written forward and backward, e.g. a recurrent layer over a whole sequence.</li>
 * <li>{@link dev.lanegrad.autograd.GradCheck}: finite-difference gradient checks with a report.</li>
 * </ul>
 */
package dev.lanegrad.autograd;

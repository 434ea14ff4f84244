/** Tensors, the reverse-mode tape, ops with their backward, and GradCheck. */
module dev.lanegrad.autograd {
    requires transitive dev.lanegrad.engine;

    exports dev.lanegrad.autograd;
}

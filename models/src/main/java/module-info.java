/**
 * The library: layers with PyTorch's names and numerics (nn), the recurrent core (rnn), optimizers
 * (optim), and checkpoints of layers and whole models (safetensors and PyTorch's own files).
 */
module dev.lanegrad.models {
    requires transitive dev.lanegrad.autograd;
    requires transitive dev.lanegrad.io;

    exports dev.lanegrad.models.nn;
    exports dev.lanegrad.models.optim;
    exports dev.lanegrad.models.rnn;
}

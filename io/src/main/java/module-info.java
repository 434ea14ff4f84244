/**
 * Reading and writing, once for every module: JSON, safetensors checkpoints, PyTorch's own
 * {@code torch.save} files (read only, through a restricted unpickler), golden cases, atomic files.
 * No dependencies beyond java.base.
 */
module dev.lanegrad.io {
    exports dev.lanegrad.io;
}

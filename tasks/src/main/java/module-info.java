/**
 * The applications on the library: the character language model, forecasting, text classification,
 * their bundled data (resources of dev.lanegrad.tasks.data, read by that package) and the PyTorch
 * parity runner.
 */
module dev.lanegrad.tasks {
    requires transitive dev.lanegrad.models;

    exports dev.lanegrad.tasks;
    exports dev.lanegrad.tasks.charlm;
    exports dev.lanegrad.tasks.classify;
    exports dev.lanegrad.tasks.data;
    exports dev.lanegrad.tasks.forecast;
    exports dev.lanegrad.tasks.parity;
}

/** The examples as a named module: lanegrad's modules are read through dev.lanegrad.models. */
module dev.lanegrad.examples {
    requires dev.lanegrad.models;
}

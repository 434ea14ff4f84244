package dev.lanegrad.spark.train;

import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.forecast.ForecastModel;

import java.io.Serializable;

/** What a replica of the trained model is built from (its weights come from the broadcast each step). */
public record ModelShape(RnnMode cell, int hidden, int layers, int window, int horizon, long seed) implements Serializable {

    public ForecastModel build() {
        return new ForecastModel(cell, hidden, layers, 0f, horizon, seed);
    }
}

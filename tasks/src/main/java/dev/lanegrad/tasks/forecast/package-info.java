/**
 * Time-series forecasting with a recurrent regressor, the classic way: a stacked LSTM or GRU reads a window
 * of past values, a Linear head predicts the next {@code horizon}; the series is split chronologically
 * (train / validation / test), the scaler is fitted on the training part only, the epoch with the lowest
 * validation loss is kept, and the test errors (RMSE, MAE, in the data's units) are reported next to the
 * naive forecast (repeat the last value) and the seasonal-naive one (the value one season earlier).
 * <pre>{@code
 * double[] series = BundledData.sunspots().numbers("Sunspots");          // or CsvTable.read(path).numbers("col")
 * ForecastConfig cfg = ForecastConfig.builder().cell(RnnMode.LSTM).window(36).season(132).build();
 * ForecastResult r = ForecastTraining.train(series, cfg, TrainingListener.NONE);
 * System.out.println(r.model() + " vs naive " + r.naive() + " vs seasonal naive " + r.seasonalNaive());
 * r.forecaster().save(Path.of("runs/sunspots"));                         // model.safetensors + config.json (scaler)
 * Forecaster f = Forecaster.load(Path.of("runs/sunspots"));
 * double[] next = f.predict(series);                                      // the next horizon values, data's units
 * }</pre>
 */
package dev.lanegrad.tasks.forecast;

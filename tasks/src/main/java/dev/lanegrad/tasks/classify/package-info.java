/**
 * Text classification with a word-level recurrent model: Embedding -> bidirectional GRU or LSTM over each
 * sentence's own length -> max / mean pooling over its words or the final states -> Linear ->
 * cross-entropy. The examples are shuffled with the seed and split train / validation / test, the
 * vocabulary comes from the training texts only, the epoch with the best validation accuracy is kept, and
 * the test accuracy is reported next to the majority-class baseline with a confusion matrix.
 * <pre>{@code
 * LabelledText data = BundledData.sentiment();                            // or LabelledText.readTsv(path)
 * ClassifyResult r = ClassifyTraining.train(data, ClassifyConfig.builder().build(), TrainingListener.NONE);
 * System.out.println(r.testAccuracy() + " vs majority " + r.majorityAccuracy() + "\n" + r.confusion().format());
 * r.classifier().save(Path.of("runs/sentiment"));                         // model.safetensors, config.json, vocab.txt
 * TextClassifier c = TextClassifier.load(Path.of("runs/sentiment"));
 * Prediction p = c.predict("The battery died after a day.");              // p.label(), p.probability()
 * }</pre>
 */
package dev.lanegrad.tasks.classify;

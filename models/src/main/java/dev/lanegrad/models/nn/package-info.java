/**
 * User-facing layers with PyTorch's names, shapes, initialisation and numerics: {@link dev.lanegrad.models.nn.Module},
 * {@link dev.lanegrad.models.nn.Linear}, {@link dev.lanegrad.models.nn.Embedding}, {@link dev.lanegrad.models.nn.Dropout},
 * the recurrent stacks {@link dev.lanegrad.models.nn.RNN}, {@link dev.lanegrad.models.nn.LSTM},
 * {@link dev.lanegrad.models.nn.GRU}, the cells {@link dev.lanegrad.models.nn.RNNCell},
 * {@link dev.lanegrad.models.nn.LSTMCell}, {@link dev.lanegrad.models.nn.GRUCell}, streaming inference
 * ({@link dev.lanegrad.models.nn.RecurrentStream}), truncated BPTT ({@link dev.lanegrad.models.nn.State}) and
 * safetensors checkpoints.
 *
 * <h2>Train, save, load, serve</h2>
 * <pre>{@code
 * LSTM lstm = LSTM.builder(8, 32).numLayers(2).dropout(0.1f).batchFirst(true).seed(42).build();
 * Linear head = new Linear(32, 1, true, 43);
 * List<Tensor> params = new ArrayList<>(lstm.parameters());
 * params.addAll(head.parameters());
 * Adam adam = new Adam(params, 1e-2f);
 * try (Tape tape = new Tape()) {
 *     for (int step = 0; step < steps; step++) {
 *         RecurrentOutput out = lstm.forward(x);                 // x [B, T, 8]: ONE tape node
 *         Tensor loss = Ops.mseLoss(head.forward(out.output()), y);
 *         tape.backward(loss);
 *         GradClip.byGlobalNorm(params, 1.0);
 *         adam.step();
 *         adam.zeroGrad();
 *         tape.reset();                                          // buffers are reused next step
 *     }
 * }
 * lstm.save(Path.of("lstm.safetensors"));                        // PyTorch names + config in __metadata__
 * LSTM served = LSTM.load(Path.of("lstm.safetensors"));          // rebuilt from the file alone
 * served.eval();
 * // on any number of threads: one stream (state) per request, weights shared read-only
 * RecurrentStream stream = served.newStream(1);
 * float[] h = stream.step(xt);                                   // x_t [1, 8] -> h_t [1, 32]
 * }</pre>
 *
 * <h2>Truncated BPTT</h2>
 * <pre>{@code
 * State carried = State.zeros(lstm, batch);                      // leaves, reused every window
 * for (Tensor window : windows) {
 *     RecurrentOutput out = lstm.forward(window, null, carried);
 *     tape.backward(loss(out));  ...optimizer...
 *     out.detachedState(carried);                                // copy h_n, c_n in; cut from the tape
 *     tape.reset();
 * }
 * }</pre>
 *
 * <h2>Weights from PyTorch</h2>
 * A PyTorch {@code state_dict} saved with {@code torch.save} or {@code safetensors.torch.save_file} loads as it
 * is into a layer built with the same options ({@code loadParameters(path)}, the format told by content; a
 * prefix picks one part of a whole model's state_dict, and non-strict loading lists missing and unexpected
 * names); a whole model is a {@link dev.lanegrad.models.nn.Sequential}. With the configuration in the metadata
 * ({@code module, mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional},
 * and {@code nonlinearity} for RNN), {@code LSTM.load(path)} / {@code RecurrentLayer.load(path)} builds it too.
 * Loading is strict: a missing, extra or misshapen tensor fails with a message naming it, and changes nothing.
 *
 * <h2>How a recurrent call runs</h2>
 * A forward over the whole sequence is one {@link dev.lanegrad.autograd.CustomOp} calling
 * {@link dev.lanegrad.models.rnn.Rnn#forward} / {@code backward} on the parameter tensors' own data and
 * gradient arrays (wrapped once with {@code RnnParameters.wrap}, never copied). The saved activations
 * live in an {@link dev.lanegrad.models.rnn.RnnWorkspace} from a per-thread pool of the layer: the k-th
 * recorded call within one tape step takes workspace k, so a layer can be applied several times before
 * one backward (TBPTT windows, two inputs); calls under {@code noGrad()} share one inference workspace.
 */
package dev.lanegrad.models.nn;

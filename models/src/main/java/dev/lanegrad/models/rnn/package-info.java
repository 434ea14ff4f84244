/**
 * The numerical core of PyTorch-compatible RNN / LSTM / GRU stacks on float arrays, without autograd.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link dev.lanegrad.models.rnn.RnnConfig}: mode, sizes, layers, bias, bidirectional, dropout.</li>
 *   <li>{@link dev.lanegrad.models.rnn.RnnParameters}: the tensors under PyTorch's names (owned, or
 *       {@code wrap}ped around caller storage); the same class holds gradients.</li>
 *   <li>{@link dev.lanegrad.models.rnn.Rnn}: forward / backward over whole sequences, and
 *       {@code step} for streaming; it only reads its parameters. Inside (package-private), as PyTorch's
 *       RNN.cpp arranges it: {@code LayerStack} (packing, layers, dropout between them), {@code Layer}
 *       (input projection, both directions, weight gradients), {@code TimeLoop} (a direction's steps),
 *       {@code Cell} (one step: {@code LstmCell}, {@code GruCell}, {@code ElmanCell}), {@code StreamStep}.</li>
 *   <li>{@link dev.lanegrad.models.rnn.RnnWorkspace}: what a forward saves for its backward, reused.</li>
 *   <li>{@link dev.lanegrad.models.rnn.RnnStreamState}: the per-stream state of step-by-step inference.</li>
 *   <li>{@link dev.lanegrad.models.rnn.FloatView}: (array, offset, shape), how tensors are handed over.</li>
 *   <li>{@link dev.lanegrad.models.rnn.TimeMajor}: batch_first conversion [B, T, F] &lt;-&gt; [T, B, F].</li>
 * </ul>
 *
 * <h2>As one coarse tape node</h2>
 * <pre>{@code
 * // once per node: parameter tensors and their gradient buffers wrapped, no copies
 * RnnParameters w = RnnParameters.wrap(cfg, (name, shape) -> view(paramTensor(name)));
 * RnnParameters g = RnnParameters.wrap(cfg, (name, shape) -> view(paramTensor(name).grad()));
 * Rnn rnn = new Rnn(w);
 * RnnWorkspace ws = rnn.newWorkspace();          // owned by the node, reused across steps
 *
 * // forward: the node allocates (or reuses) out, hn, cn and records ws
 * rnn.forward(ws, x, lengths, h0, c0, training, seed, out, hn, cn);
 *
 * // backward: upstream gradients (null where nothing flows); every gradient is ACCUMULATED
 * rnn.backward(ws, out.grad, hn.grad, cn.grad, g, x.grad, h0.grad, c0.grad);
 * }</pre>
 * For inference alone, {@code rnn.infer(ws, x, lengths, h0, c0, out, hn, cn)} gives the same outputs as
 * forward in eval mode and saves nothing for backward (a wide batch's gates then stay in cache).
 * The workspace keeps its own copies of x, h0 and c0 and every intermediate, so the caller may
 * reuse its input buffers once forward returns; it must not change the parameters between a
 * forward and its backward. A workspace holds one forward at a time: a node that may run forward
 * twice before backward (the same layer applied twice in one graph) needs one workspace per use.
 */
package dev.lanegrad.models.rnn;

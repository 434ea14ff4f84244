package dev.lanegrad.tasks.parity;

/**
 * The outcome of one golden case.
 *
 * @param name    the case (file name without .json)
 * @param kind    LSTM, GRU, RNN_TANH, RNN_RELU, linear_ce, embedding_ce, elementwise, or ? if unreadable
 * @param maxAbs  largest |mine - ref| over every compared value
 * @param maxRel  largest |mine - ref| / max(|ref|, atol): relative error, where values below atol
 *                count as atol so that a reference of 0 or a subnormal gives no meaningless ratio
 * @param worst   the tensor closest to (or furthest past) its bound, or null when nothing was compared
 * @param passed  every value within the tolerance, and the case could be run
 * @param count   how many values were compared
 * @param failure why the case could not be run or compared (malformed file, missing tensor...), else null
 */
public record CaseResult(String name, String kind, double maxAbs, double maxRel, String worst, boolean passed,
                         long count, String failure) {

    static CaseResult failed(String name, String kind, String failure) {
        return new CaseResult(name, kind, Double.NaN, Double.NaN, null, false, 0, failure);
    }
}

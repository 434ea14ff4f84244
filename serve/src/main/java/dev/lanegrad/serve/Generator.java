package dev.lanegrad.serve;

import java.util.function.IntConsumer;

/** Character generation of a char-LM, one request at a time per call (each call owns its sampler). */
public interface Generator {

    /** Checks that every character of the prime is in the vocabulary; a 400 names the first one that is not. */
    void checkPrime(String prime);

    /** Feeds the prime, then draws {@code length} characters, handing each code point to out as it is drawn. */
    void generate(String prime, int length, float temperature, int topK, long seed, IntConsumer out);
}

package dev.lanegrad.serve;

import org.junit.jupiter.api.BeforeAll;

/** {@link ServerTest}'s every endpoint and bad input, on the JDK's HTTP server ({@code --http jdk}). */
class JdkServerTest extends ServerTest {

    @BeforeAll
    static void start() throws Exception {
        startWith("jdk");
    }
}

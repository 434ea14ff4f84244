package dev.lanegrad.io;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The test data (testdata/, on every module's test class path) as files. */
final class Fixtures {

    private Fixtures() {
    }

    /** The file of a class-path resource such as {@code /safetensors/lstm.safetensors}; an AssertionError naming it when missing. */
    static Path path(String resource) {
        try {
            return Path.of(Fixtures.class.getResource(resource).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("fixture " + resource + " missing from the test class path", e);
        }
    }
}

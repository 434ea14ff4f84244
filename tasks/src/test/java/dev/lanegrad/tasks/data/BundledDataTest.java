package dev.lanegrad.tasks.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class BundledDataTest {

    @Test
    void everyNameOpens() throws IOException {
        for (String name : BundledData.names()) {
            try (InputStream in = BundledData.open(name)) {
                assertTrue(in.read() >= 0, name);
            }
        }
        assertEquals(1_115_394, BundledData.text(BundledData.TINY_SHAKESPEARE).length());
        assertTrue(BundledData.text("README.md").contains("Kotzias"));
    }

    @Test
    void unknownNameListsTheNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BundledData.open("shakespeare.txt"));
        assertEquals("no bundled data named \"shakespeare.txt\"; there are: tinyshakespeare.txt, monthly-sunspots.csv, "
                + "sentiment/amazon_cells_labelled.txt, sentiment/imdb_labelled.txt, sentiment/yelp_labelled.txt, "
                + "sentiment/readme.txt, README.md", e.getMessage());
    }
}

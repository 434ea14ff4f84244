package dev.lanegrad.tasks.forecast;

import dev.lanegrad.tasks.data.CsvTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dates after a series, from its CSV's date column and the step of its last two rows. */
class ForecastDatesTest {

    private static CsvTable csv(String text) throws IOException {
        return CsvTable.read(new StringReader(text), "test.csv");
    }

    @Test
    void monthsDaysAndTimesContinueWithTheLastStep() throws IOException {
        assertEquals(List.of("1984-01", "1984-02"), ForecastDates.of(csv("Month,v\n1983-11,1\n1983-12,2\n"), "v")
                .orElseThrow().next(2));
        assertEquals(List.of("2024-03-03", "2024-03-05"), ForecastDates.of(csv("day,v\n2024-02-28,1\n2024-03-01,2\n"), "v")
                .orElseThrow().next(2));
        assertEquals(List.of("2024-04-30", "2024-05-31"), ForecastDates.of(csv("v,day\n1,2024-02-28\n2,2024-03-30\n"), "v")
                .orElseThrow().next(2), "a step of 31 days");
        assertEquals(List.of("2024-05-31", "2024-06-30"), ForecastDates.of(csv("day,v\n2024-03-31,1\n2024-04-30,2\n"), "v")
                .orElseThrow().next(2), "month ends");
        assertEquals(List.of("2024-03-15", "2024-04-15"), ForecastDates.of(csv("day,v\n2024-01-15,1\n2024-02-15,2\n"), "v")
                .orElseThrow().next(2), "monthly on a fixed day");
        ForecastDates hours = ForecastDates.of(csv("time,v\n2024-03-31 22:00,1\n2024-03-31 23:00,2\n"), "v").orElseThrow();
        assertEquals("time", hours.column());
        assertEquals(List.of("2024-04-01 00:00", "2024-04-01 01:00"), hours.next(2));
    }

    @Test
    void noDateColumnNoDates() throws IOException {
        assertEquals(Optional.empty(), ForecastDates.of(csv("n,v\n1,1\n2,2\n"), "v"));
        assertEquals(Optional.empty(), ForecastDates.of(csv("d,v\n2024-01-01,1\nlater,2\n"), "v"));
        assertTrue(ForecastDates.of(csv("d,v\n2024-01-01,1\n"), "v").isEmpty(), "one row gives no step");
    }
}

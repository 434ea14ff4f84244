package dev.lanegrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void integersKeepEveryDigitUpToLongRange() {
        assertEquals(9223372036854775807L, Json.parse("9223372036854775807"));
        assertEquals(-1000000000000000000L, Json.parse("-1000000000000000000"));
        assertEquals(9.223372036854775808E18, Json.parse("9223372036854775808"));
        assertEquals(0L, Json.parse("0"));
        assertEquals(-0.5, Json.parse("-0.5"));
        assertEquals(1e-7, Json.parse("1E-7"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "1.", "-", "1e", "1e+", "--1", "1.2.3", "+1", "-01.5"})
    void rejectsNumbersOutsideTheGrammar(String number) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(number));
        assertEquals(true, e.getMessage().startsWith("JSON: "), e.getMessage());
    }

    @Test
    void objectsKeepTheirOrder() {
        Map<String, Object> m = Json.parseObject("{\"b\": [1, 2.5, \"x\\u00e9\"], \"a\": {\"t\": true, \"n\": null}}");
        assertEquals(List.of("b", "a"), List.copyOf(m.keySet()));
        assertEquals(List.of(1L, 2.5, "xé"), m.get("b"));
    }
}

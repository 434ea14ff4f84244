package dev.lanegrad.tasks.forecast;

import dev.lanegrad.tasks.data.CsvTable;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dates of the values after a series, when its CSV has a date column: the first column (other than
 * the forecast one) whose every cell is an ISO month ({@code 1749-01}), day ({@code 2024-03-31}) or time
 * ({@code 2024-03-31T12:00}, {@code 2024-03-31 12:00:00}). The step is the last two rows' distance: whole
 * months when the days of the month agree or both are month ends (as monthly data has them), else days
 * or a duration. Used to print forecasts with their dates.
 */
public final class ForecastDates {

    private final String column;
    private final Temporal last;
    private final Temporal previous;

    private ForecastDates(String column, Temporal last, Temporal previous) {
        this.column = column;
        this.last = last;
        this.previous = previous;
    }

    /** The date column of a table (not {@code valueColumn}), if it has one and at least two rows. */
    public static Optional<ForecastDates> of(CsvTable table, String valueColumn) {
        if (table.size() < 2) {
            return Optional.empty();
        }
        for (String c : table.columns()) {
            if (c.equals(valueColumn)) {
                continue;
            }
            String[] cells = table.strings(c);
            List<Temporal> parsed = new ArrayList<>();
            for (String cell : cells) {
                Temporal t = Temporal.parse(cell.strip());
                if (t == null || !parsed.isEmpty() && t.kind != parsed.get(0).kind) {
                    parsed = null;
                    break;
                }
                parsed.add(t);
            }
            if (parsed != null) {
                return Optional.of(new ForecastDates(c, parsed.get(parsed.size() - 1), parsed.get(parsed.size() - 2)));
            }
        }
        return Optional.empty();
    }

    /** The name of the date column. */
    public String column() {
        return column;
    }

    /** The dates of the {@code count} values after the last row, in the column's own format. */
    public List<String> next(int count) {
        List<String> out = new ArrayList<>(count);
        for (int k = 1; k <= count; k++) {
            out.add(last.plusSteps(previous, k));
        }
        return out;
    }

    /** One parsed cell: a month, a day or a time. */
    private record Temporal(int kind, YearMonth month, LocalDate day, LocalDateTime time, boolean spaced) {

        static Temporal parse(String s) {
            try {
                if (s.length() == 7) {
                    return new Temporal(0, YearMonth.parse(s), null, null, false);
                }
                if (s.length() == 10) {
                    return new Temporal(1, null, LocalDate.parse(s), null, false);
                }
                boolean spaced = s.length() > 10 && s.charAt(10) == ' ';
                return new Temporal(2, null, null, LocalDateTime.parse(spaced ? s.replace(' ', 'T') : s), spaced);
            } catch (DateTimeParseException e) {
                return null;
            }
        }

        private static boolean monthEnd(LocalDate d) {
            return d.getDayOfMonth() == d.lengthOfMonth();
        }

        String plusSteps(Temporal previous, int k) {
            switch (kind) {
                case 0:
                    return month.plusMonths(k * ChronoUnit.MONTHS.between(previous.month, month)).toString();
                case 1:
                    if (monthEnd(day) && monthEnd(previous.day) && !day.equals(previous.day)) {
                        long months = ChronoUnit.MONTHS.between(YearMonth.from(previous.day), YearMonth.from(day));
                        return YearMonth.from(day).plusMonths(k * months).atEndOfMonth().toString();
                    }
                    if (day.getDayOfMonth() == previous.day.getDayOfMonth() && !day.equals(previous.day)) {
                        long months = Period.between(previous.day, day).toTotalMonths();
                        return day.plusMonths(k * months).toString();
                    }
                    return day.plusDays(k * ChronoUnit.DAYS.between(previous.day, day)).toString();
                default:
                    LocalDateTime t = time.plus(Duration.between(previous.time, time).multipliedBy(k));
                    return spaced ? t.toString().replace('T', ' ') : t.toString();
            }
        }
    }
}

package dev.lanegrad.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static dev.lanegrad.cli.CommandRun.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `--help` is never cut and shows real defaults. */
class HelpTextTest {

    @Test
    void theCommandListShowsWholeSentences() {
        // the list of `lanegrad --help` shows the first line of each command's description
        Map<String, CommandLine> commands = new CommandLine(new Main()).getSubcommands();
        commands.forEach((name, cmd) -> {
            String[] description = cmd.getCommandSpec().usageMessage().description();
            if (!name.equals("help")) {
                String first = description[0];
                assertTrue(first.endsWith("."), name + ": the first description line is cut: " + first);
            }
        });
    }

    @Test
    void trainHelpShowsTheRealDefaults() {
        CommandRun r = capture(() -> Main.run("train", "--help"));
        assertEquals(0, r.code(), r.err());
        String help = r.out();
        assertFalse(help.contains("null"), help);
        assertTrue(help.replaceAll("\\s+", " ").contains("(default: 4.5 when --steps is not given"), help);
        assertTrue(help.contains("--patience"), help);
        assertTrue(help.contains("--save-every"), help);
    }
}

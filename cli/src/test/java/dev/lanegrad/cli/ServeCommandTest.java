package dev.lanegrad.cli;

import dev.lanegrad.models.nn.LSTM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `lanegrad serve` in a process of its own: it answers, and SIGTERM stops it with exit code 0. */
class ServeCommandTest {

    @Test
    void servesThenStopsOnSigtermWithExitCodeZero(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("enc.safetensors");
        LSTM.builder(3, 4).seed(2).build().save(ckpt);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--checkpoint", ckpt.toString(), "--port", "0").redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            int port = -1;
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
                Matcher m = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
                if (line.contains("ready")) {
                    break;
                }
            }
            assertTrue(port > 0, "no port in " + lines);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/models/enc/predict"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"x\": [[1, 2, 3]]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            // SIGTERM as an init system sends it (Process.destroy would also close this end of the pipes)
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
            for (String line; (line = out.readLine()) != null; ) { // until the process has closed its output
                lines.add(line);
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running 60 s after SIGTERM");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        assertTrue(lines.get(lines.size() - 1).contains("stopped"), String.join("\n", lines));
    }

    @Test
    void aBadDurationIsNamed() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ServeCommand.parseDuration("ten minutes"));
        assertTrue(e.getMessage().contains("'ten minutes'"), e.getMessage());
        assertEquals(java.time.Duration.ofMinutes(10), ServeCommand.parseDuration("10m"));
        assertEquals(java.time.Duration.ofMillis(1500), ServeCommand.parseDuration("1500ms"));
    }

    @Test
    void aBadSessionTtlIsAUsageErrorNamingTheOptionBeforeAnythingLoads() {
        CommandRun r = CommandRun.of("serve", "--checkpoint", "no-such-folder", "--session-ttl", "ten minutes");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--session-ttl") && r.err().contains("'ten minutes'"), r.err());
        assertFalse(r.err().contains("no-such-folder"), "the models were looked at before the options were checked: " + r.err());
    }
}

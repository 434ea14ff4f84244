package dev.lanegrad.serve;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentOutput;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import dev.lanegrad.tasks.classify.TextClassifier;
import dev.lanegrad.tasks.forecast.Forecaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint through a real HTTP client against the server on an ephemeral port, one model of each kind,
 * on the default (Netty) server; {@link JdkServerTest} runs the same on the JDK's.
 */
class ServerTest {

    @TempDir
    static Path dir;
    static ServeServer server;
    static Client client;
    static Path stack;
    static Path lm;
    static Path forecast;
    static Path classify;

    @BeforeAll
    static void start() throws Exception {
        startWith("netty");
    }

    static void startWith(String transport) throws Exception {
        stack = Fixtures.saveStack(dir, "lstm", 2, false);
        Path bi = Fixtures.saveStack(dir, "gru", 1, true);
        lm = Fixtures.charLm(dir);
        forecast = Fixtures.forecaster(dir);
        classify = Fixtures.classifier(dir);
        server = ServeServer.start(ServeConfig.defaults().withPort(0).withLimits(64 * 1024, 40).withTransport(transport));
        assertEquals(503, new Client(server.port()).get("/health").status(), "not ready before the models are loaded");
        server.add(ModelLoader.load("lstm", stack));
        server.add(ModelLoader.load("bigru", bi));
        server.add(ModelLoader.load("lm", lm));
        server.add(ModelLoader.load("forecast", forecast));
        server.add(ModelLoader.load("classify", classify));
        server.ready();
        client = new Client(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthModelsAndMetrics() {
        Client.Answer h = client.get("/health");
        assertEquals(200, h.status());
        assertEquals("ready", h.json().get("status"));
        Client.Answer models = client.get("/v1/models");
        assertEquals(200, models.status());
        assertEquals(5, ((List<?>) models.json().get("models")).size());
        Map<String, Object> m = client.get("/v1/models/lstm").json();
        assertEquals("stack", m.get("kind"));
        // 2 layers x 12 hidden x (h and c) floats + the stated overhead
        assertEquals(2L * 12 * 2 * 4 + Session.OVERHEAD_BYTES, m.get("bytes_per_session"));
        client.post("/v1/models/lstm/predict", "{\"x\": [[1,2,3,4,5]]}");
        Client.Answer metrics = client.get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.response().headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = metrics.body();
        assertTrue(text.contains("lanegrad_requests_total{endpoint=\"predict\",status=\"200\"}"), text);
        assertTrue(text.contains("# TYPE lanegrad_request_seconds histogram"), text);
        assertTrue(text.contains("lanegrad_batch_size_count{kind=\"predict\",model=\"lstm\"}"), text);
        assertTrue(text.contains("lanegrad_queue_depth{queue=\"predict\",model=\"lstm\"} 0"), text);
        assertTrue(text.contains("lanegrad_live_sessions "), text);
    }

    @Test
    void predictOnAStackEqualsTheOfflineForward() throws Exception {
        RecurrentLayer offline = RecurrentLayer.load(stack);
        offline.eval();
        float[] x = Fixtures.steps(new Random(1), 7);
        Client.Answer a = client.post("/v1/models/lstm/predict", "{\"x\": " + Fixtures.stepsJson(x) + "}");
        assertEquals(200, a.status(), a.body());
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            RecurrentOutput want = offline.forward(Tensor.wrap(x, 0, 7, 1, Fixtures.IN));
            assertClose(want.output().toArray(), Client.floats(a.json().get("output")), "output");
            assertClose(want.hn().toArray(), Client.floats(a.json().get("h_n")), "h_n");
            assertClose(want.cn().toArray(), Client.floats(a.json().get("c_n")), "c_n");
        }
        Client.Answer b64 = client.post("/v1/models/lstm/predict", "{\"x_f32\": \""
                + BatchInvarianceScalarTest.base64(x) + "\", \"outputs\": false}");
        assertEquals(200, b64.status(), b64.body());
        assertTrue(!b64.json().containsKey("output"));
        assertClose(Client.floats(a.json().get("h_n")), Client.floats(b64.json().get("h_n")), "h_n from x_f32");
    }

    @Test
    void concurrentClientsEqualTheOfflineForwardOfTheirOwnSequenceBitForBit() throws Exception {
        // the default (SIMD, deterministic) kernels: every GEMM path keeps one summation order whatever the
        // row count, and the fused kernels' scalar tails compute what the lanes do, so a row batched with
        // others gets the bits it gets alone
        RecurrentLayer offline = RecurrentLayer.load(stack);
        offline.eval();
        ConcurrentClients.run(client, "lstm", offline, 16, 4, 20,
                (want, got, what) -> org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, what));
    }

    @Test
    void charLmPredictSessionsAndGenerate() throws Exception {
        Client.Answer p = client.post("/v1/models/lm/predict", "{\"text\": \"to be\"}");
        assertEquals(200, p.status(), p.body());
        float[] probs = Client.floats(p.json().get("probabilities"));
        double sum = 0;
        for (float v : probs) sum += v;
        assertEquals(1.0, sum, 1e-5);
        // a session fed the same text in two steps ends with the same distribution
        String id = (String) client.post("/v1/models/lm/sessions", "").json().get("session");
        assertEquals(200, client.post("/v1/sessions/" + id + "/step", "{\"text\": \"to \"}").status());
        Client.Answer s = client.post("/v1/sessions/" + id + "/step", "{\"text\": \"be\"}");
        assertEquals(200, s.status(), s.body());
        assertEquals(5L, s.json().get("steps"));
        assertClose(probs, Client.floats(s.json().get("probabilities")), "session after 'to ' + 'be' vs predict 'to be'");
        Client.Answer g = client.post("/v1/models/lm/generate", "{\"prime\": \"to\", \"length\": 30, \"seed\": 9}");
        assertEquals(200, g.status(), g.body());
        assertEquals(30, g.body().codePointCount(0, g.body().length()));
        var loaded = CharLmCheckpoint.load(lm);
        String want = new dev.lanegrad.tasks.charlm.Sampler(loaded.model(), loaded.vocabulary(), 9).generate("to", 30, 1f, 0);
        assertEquals(want, g.body(), "the stream holds what the sampler draws with that seed");
        assertEquals(200, client.delete("/v1/sessions/" + id).status());
    }

    @Test
    void stackSessionsStepReadAndClose() {
        Client.Answer created = client.post("/v1/models/lstm/sessions", "");
        assertEquals(201, created.status(), created.body());
        String id = (String) created.json().get("session");
        float[] x = Fixtures.steps(new Random(4), 6);
        float[] first = java.util.Arrays.copyOf(x, 4 * Fixtures.IN);
        float[] rest = java.util.Arrays.copyOfRange(x, 4 * Fixtures.IN, x.length);
        assertEquals(200, client.post("/v1/sessions/" + id + "/step", "{\"x\": " + Fixtures.stepsJson(first) + "}").status());
        Client.Answer s = client.post("/v1/sessions/" + id + "/step", "{\"x\": " + Fixtures.stepsJson(rest) + "}");
        assertEquals(200, s.status(), s.body());
        Client.Answer whole = client.post("/v1/models/lstm/predict", "{\"x\": " + Fixtures.stepsJson(x) + "}");
        float[] out = Client.floats(whole.json().get("output"));
        assertClose(java.util.Arrays.copyOfRange(out, 4 * Fixtures.HIDDEN, out.length), Client.floats(s.json().get("output")),
                "steps 4-5 of a session vs the same steps of one forward");
        Client.Answer read = client.get("/v1/sessions/" + id + "?state=true");
        assertEquals(200, read.status(), read.body());
        assertEquals(6L, read.json().get("steps"));
        assertClose(Client.floats(whole.json().get("h_n")), Client.floats(read.json().get("h")), "the session's h vs h_n");
        assertEquals(200, client.delete("/v1/sessions/" + id).status());
        assertEquals(404, client.post("/v1/sessions/" + id + "/step", "{\"x\": [[1,2,3,4,5]]}").status());
    }

    @Test
    void forecastAndClassify() throws Exception {
        Client.Answer f = client.post("/v1/models/forecast/predict", "{\"values\": [1, 2, 3, 4, 5, 6, 7, 8]}");
        assertEquals(200, f.status(), f.body());
        double[] want = Forecaster.load(forecast).predict(new double[] {3, 4, 5, 6, 7, 8});
        float[] got = Client.floats(f.json().get("forecast"));
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])));
        }
        Client.Answer c = client.post("/v1/models/classify/predict", "{\"text\": \"good film\"}");
        assertEquals(200, c.status(), c.body());
        var p = TextClassifier.load(classify).predict("good film");
        assertEquals(p.label(), c.json().get("label"));
    }

    @Test
    void everyBadInputGetsItsFourHundredAndTheServerKeepsServing() {
        String[][] cases = {
                // status, method, path, body, a word the error must contain
                {"400", "POST", "/v1/models/lstm/predict", "{\"x\": [[1,2,3", "malformed JSON"},
                {"400", "POST", "/v1/models/lstm/predict", "[1, 2]", "expected an object"},
                {"400", "POST", "/v1/models/lstm/predict", "", "empty"},
                {"400", "POST", "/v1/models/lstm/predict", "{}", "'x'"},
                {"400", "POST", "/v1/models/lstm/predict", "{\"x\": [[1,2,3]]}", "x[0] has 3 values, expected 5"},
                {"400", "POST", "/v1/models/lstm/predict", "{\"x\": [[1,2,3,4,\"a\"]]}", "x[0][4]"},
                {"400", "POST", "/v1/models/lstm/predict", "{\"x\": [[1,2,3,4,1e999]]}", "not a finite"},
                {"400", "POST", "/v1/models/lstm/predict", "{\"x\": [[1,2,3,4,NaN]]}", "malformed JSON"},
                {"400", "POST", "/v1/models/lstm/predict", "{\"x\": []}", "no steps"},
                {"400", "POST", "/v1/models/lstm/predict", "{\"x_f32\": \"AAAA\"}", "multiple of 20"},
                {"400", "POST", "/v1/models/lstm/predict", "{\"x_f32\": \"!!\"}", "not base64"},
                {"400", "POST", "/v1/models/lstm/predict", "{\"x\": [[1,2,3,4,5]], \"outputs\": 3}", "true or false"},
                {"400", "POST", "/v1/models/lm/predict", "{\"text\": \"xyz\"}", "not in the vocabulary"},
                {"400", "POST", "/v1/models/lm/generate", "{\"length\": -1}", "'length'"},
                {"400", "POST", "/v1/models/lm/generate", "{\"temperature\": \"hot\"}", "'temperature'"},
                {"400", "POST", "/v1/models/forecast/predict", "{\"values\": [1, 2]}", "at least the window of 6"},
                {"400", "POST", "/v1/models/classify/predict", "{\"text\": \"  \"}", "no words"},
                {"400", "POST", "/v1/models/bigru/sessions", "", "has no sessions"},
                {"400", "POST", "/v1/models/lstm/generate", "{}", "does not generate"},
                {"404", "POST", "/v1/models/nope/predict", "{}", "no model 'nope'"},
                {"404", "POST", "/v1/sessions/0123/step", "{}", "no session '0123'"},
                {"404", "DELETE", "/v1/sessions/0123", null, "no session"},
                {"404", "GET", "/v1/nothing", null, "no endpoint"},
                {"405", "GET", "/v1/models/lstm/predict", null, "expected POST"},
                {"413", "POST", "/v1/models/lstm/predict", "{\"x\": " + Fixtures.stepsJson(new float[41 * Fixtures.IN]) + "}",
                        "limit of 40"},
                {"413", "POST", "/v1/models/lm/predict", "{\"text\": \"" + "t".repeat(41) + "\"}", "limit of 40"},
                {"413", "POST", "/v1/models/lstm/predict", "{\"pad\": \"" + " ".repeat(70_000) + "\"}", "limit of 65536"},
        };
        for (String[] c : cases) {
            Client.Answer a = client.send(c[1], c[2], c[3]);
            String what = c[1] + " " + c[2] + " " + (c[3] == null ? "" : c[3].substring(0, Math.min(60, c[3].length())));
            assertEquals(Integer.parseInt(c[0]), a.status(), what + " -> " + a.body());
            assertTrue(a.error().contains(c[4]), what + ": the error '" + a.error() + "' should name " + c[4]);
            assertEquals(200, client.get("/health").status(), "still serving after " + what);
        }
    }

    @Test
    void binaryAndF32BodiesAnswerExactlyWhatJsonDoes() throws Exception {
        float[] x = Fixtures.steps(new Random(11), 5);
        Map<String, Object> json = client.post("/v1/models/lstm/predict", "{\"x\": " + Fixtures.stepsJson(x) + "}").json();
        Client.Answer f32 = client.post("/v1/models/lstm/predict", "{\"f32\": true, \"x_f32\": \""
                + BatchInvarianceScalarTest.base64(x) + "\"}");
        assertEquals(200, f32.status(), f32.body());
        Client.Answer bin = client.post("/v1/models/lstm/predict?f32=true", "application/octet-stream", ServeBench.littleEndian(x));
        assertEquals(200, bin.status(), bin.body());
        for (String k : List.of("output", "h_n", "c_n")) {
            // decimal text round-trips to the same floats, and every row is batch-invariant: the same bits three ways
            assertArrayEquals(Client.floats(json.get(k)), Client.f32(f32.json().get(k + "_f32")), k + " as f32");
            assertArrayEquals(Client.floats(json.get(k)), Client.f32(bin.json().get(k + "_f32")), k + " from a binary body");
        }
        Client.Answer noOutputs = client.post("/v1/models/lstm/predict?outputs=false", "application/octet-stream",
                ServeBench.littleEndian(x));
        assertEquals(200, noOutputs.status(), noOutputs.body());
        assertTrue(!noOutputs.json().containsKey("output"));
        assertArrayEquals(Client.floats(json.get("h_n")), Client.floats(noOutputs.json().get("h_n")));

        String id = (String) client.post("/v1/models/lstm/sessions", "").json().get("session");
        Client.Answer step = client.post("/v1/sessions/" + id + "/step?f32=true", "application/octet-stream", ServeBench.littleEndian(x));
        assertEquals(200, step.status(), step.body());
        assertArrayEquals(Client.floats(json.get("output")), Client.f32(step.json().get("output_f32")), "5 binary steps of a session");
        assertEquals(200, client.delete("/v1/sessions/" + id).status());

        // "outputs": false: the answer holds the last step's output only
        String last = (String) client.post("/v1/models/lstm/sessions", "").json().get("session");
        Client.Answer lastOnly = client.post("/v1/sessions/" + last + "/step?f32=true&outputs=false", "application/octet-stream",
                ServeBench.littleEndian(x));
        assertEquals(200, lastOnly.status(), lastOnly.body());
        float[] all = Client.floats(json.get("output"));
        assertArrayEquals(java.util.Arrays.copyOfRange(all, all.length - Fixtures.HIDDEN, all.length),
                Client.f32(lastOnly.json().get("output_f32")), "the last of 5 steps");
        assertEquals(5L, lastOnly.json().get("steps"));
        assertEquals(200, client.delete("/v1/sessions/" + last).status());
    }

    @Test
    void badBinaryBodiesGetTheirFourHundred() {
        String bin = "application/octet-stream";
        Object[][] cases = {
                {"/v1/models/lstm/predict", new byte[7], "holds 7 bytes, expected a positive multiple of 20"},
                {"/v1/models/lstm/predict", new byte[0], "holds 0 bytes"},
                {"/v1/models/lstm/predict?x=1", new byte[20], "cannot also give 'x'"},
                {"/v1/models/lstm/predict?f32=%25zz", new byte[20], "true or false"},
                {"/v1/models/lstm/predict", ServeBench.littleEndian(new float[] {1, 2, Float.NaN, 4, 5}), "not finite"},
                {"/v1/models/lm/predict", new byte[8], "'text'"},
                {"/v1/models/lm/generate", new byte[8], "takes a JSON body"},
        };
        for (Object[] c : cases) {
            Client.Answer a = client.post((String) c[0], bin, (byte[]) c[1]);
            assertEquals(400, a.status(), c[0] + " -> " + a.body());
            assertTrue(a.error().contains((String) c[2]), c[0] + ": the error '" + a.error() + "' should name " + c[2]);
        }
        Client.Answer tooMany = client.post("/v1/models/lstm/predict", bin, new byte[41 * 20]);
        assertEquals(413, tooMany.status(), tooMany.body());
        assertTrue(tooMany.error().contains("limit of 40"), tooMany.error());
        assertEquals(200, client.get("/health").status());
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheirOrder() throws Exception {
        // a predict (answered when its batch has run) then /health (answerable at once) on one connection
        byte[] predict = LoadClients.post("/v1/models/lstm/predict", "application/json",
                ("{\"x\": " + Fixtures.stepsJson(Fixtures.steps(new Random(3), 3)) + "}").getBytes(StandardCharsets.UTF_8));
        byte[] health = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            byte[] both = java.util.Arrays.copyOf(predict, predict.length + health.length);
            System.arraycopy(health, 0, both, predict.length, health.length);
            out.write(both);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertTrue(readAnswer(in).contains("\"h_n\""), "the predict's answer first");
            assertTrue(readAnswer(in).contains("\"ready\""), "then /health's");
        }
    }

    @Test
    void aMalformedRequestGetsAFourHundredAndTheServerKeepsServing() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("NOT AN HTTP REQUEST AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertTrue(head.startsWith("HTTP/1.1 4"), head); // Netty's codec: 400; the JDK's reads a method NOT: 404
        }
        assertEquals(200, client.get("/health").status());
    }

    /** One answer with a Content-Length, head and body, as text. */
    private static String readAnswer(DataInputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertTrue(m.find(), head.toString());
        byte[] body = new byte[Integer.parseInt(m.group(1))];
        in.readFully(body);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            // the same forward batched differently: a few ulps (docs/serving.md, "Bits")
            assertEquals(want[i], got[i], 1e-5f * Math.max(1f, Math.abs(want[i])), what + " at " + i);
        }
    }
}

package dev.lanegrad.serve;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Overload, expiry, authentication and shutdown, each against a real server on an ephemeral port. */
class OverloadTest {

    private static ServeServer serving(ServeConfig cfg, ServedModel model) throws java.io.IOException {
        ServeServer server = ServeServer.start(cfg);
        server.add(model);
        server.ready();
        return server;
    }

    /** Posts {"v": v} to the model "slow" on another thread; the answer comes when the model lets it go. */
    private static CompletableFuture<Client.Answer> predictLater(Client client, int v) {
        return CompletableFuture.supplyAsync(() -> client.post("/v1/models/slow/predict", "{\"v\": " + v + "}"));
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAndEveryAcceptedRequestIsAnswered() throws Exception {
        LatchModel model = new LatchModel("slow");
        try (ServeServer server = serving(ServeConfig.defaults().withPort(0).withBatching(1, Duration.ZERO, 2).withLanes(1), model)) {
            Client client = new Client(server.port());
            List<CompletableFuture<Client.Answer>> accepted = new ArrayList<>(List.of(predictLater(client, 0)));
            model.awaitBatch(); // the worker holds request 0; the queue (2) is empty
            accepted.add(predictLater(client, 1));
            accepted.add(predictLater(client, 2));
            Client.Answer refused = null;
            // requests 1 and 2 reach the queue in their own time: knock until the queue is seen full
            for (int tries = 0; tries < 10_000 && refused == null; tries++) {
                if (server.metrics().scrape().contains("lanegrad_queue_depth{queue=\"predict\",model=\"slow\"} 2")) {
                    refused = client.post("/v1/models/slow/predict", "{\"v\": 3}");
                } else {
                    Thread.onSpinWait();
                }
            }
            assertTrue(refused != null, "the queue never filled");
            assertEquals(429, refused.status(), refused.body());
            assertEquals("1", refused.response().headers().firstValue("Retry-After").orElse(""));
            assertTrue(refused.error().contains("queue is full"), refused.error());
            model.release.countDown();
            for (int i = 0; i < accepted.size(); i++) {
                Client.Answer a = accepted.get(i).get();
                assertEquals(200, a.status(), a.body());
                assertEquals((long) i, a.json().get("v"));
            }
            assertEquals(200, client.get("/health").status());
        }
    }

    @Test
    void concurrentRequestsWithinTheWindowRunAsOneBatch() throws Exception {
        LatchModel model = new LatchModel("slow");
        try (ServeServer server = serving(ServeConfig.defaults().withPort(0).withBatching(8, Duration.ZERO, 64).withLanes(1), model)) {
            Client client = new Client(server.port());
            var first = predictLater(client, 0);
            model.awaitBatch();
            List<CompletableFuture<Client.Answer>> queued = new ArrayList<>();
            for (int v = 1; v <= 5; v++) {
                queued.add(predictLater(client, v));
            }
            while (!server.metrics().scrape().contains("lanegrad_queue_depth{queue=\"predict\",model=\"slow\"} 5")) {
                Thread.onSpinWait();
            }
            model.release.countDown();
            assertEquals(1L, first.get().json().get("batch"));
            for (CompletableFuture<Client.Answer> q : queued) {
                assertEquals(5L, q.get().json().get("batch"), "the five waiting requests ran as one batch");
            }
        }
    }

    @Test
    void aSessionIdleLongerThanTheTtlIsGone() throws Exception {
        AtomicLong now = new AtomicLong();
        Path dir = Files.createTempDirectory("serve");
        ServeConfig cfg = ServeConfig.defaults().withPort(0).withSessions(2, Duration.ofSeconds(60));
        try (ServeServer server = ServeServer.start(cfg, now::get)) {
            server.add(ModelLoader.load("lstm", Fixtures.saveStack(dir, "lstm", 1, false)));
            server.ready();
            Client client = new Client(server.port());
            String a = (String) client.post("/v1/models/lstm/sessions", "").json().get("session");
            String b = (String) client.post("/v1/models/lstm/sessions", "").json().get("session");
            Client.Answer third = client.post("/v1/models/lstm/sessions", "");
            assertEquals(429, third.status(), "the table holds 2");
            assertTrue(third.error().contains("too many live sessions"), third.error());
            now.addAndGet(Duration.ofSeconds(59).toNanos());
            assertEquals(200, client.post("/v1/sessions/" + a + "/step", "{\"x\": [[1,2,3,4,5]]}").status(), "a is used at 59 s");
            now.addAndGet(Duration.ofSeconds(2).toNanos()); // b idle 61 s, a 2 s
            Client.Answer gone = client.post("/v1/sessions/" + b + "/step", "{\"x\": [[1,2,3,4,5]]}");
            assertEquals(404, gone.status());
            assertTrue(gone.error().contains("expired"), gone.error());
            assertEquals(200, client.get("/v1/sessions/" + a).status());
            assertEquals(201, client.post("/v1/models/lstm/sessions", "").status(), "b's place is free again");
            now.addAndGet(Duration.ofSeconds(61).toNanos());
            assertEquals(2, server.sessions().sweep(), "the sweeper drops both idle sessions");
            assertEquals(0, server.sessions().live());
        }
    }

    @Test
    void withATokenFileEveryRequestButHealthNeedsTheToken() throws Exception {
        Path token = Files.createTempFile("token", ".txt");
        Files.writeString(token, "s3cret\n");
        try (ServeServer server = serving(ServeConfig.defaults().withPort(0).withTokenFile(token), new LatchModel("m"))) {
            assertEquals(200, new Client(server.port()).get("/health").status());
            Client.Answer none = new Client(server.port()).get("/v1/models");
            assertEquals(401, none.status());
            assertEquals("Bearer", none.response().headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(401, new Client(server.port(), "wrong").get("/metrics").status());
            assertEquals(200, new Client(server.port(), "s3cret").get("/v1/models").status());
        }
    }

    @Test
    void closingFinishesTheRequestsInFlightAndRefusesNewOnes() throws Exception {
        LatchModel model = new LatchModel("slow");
        ServeServer server = serving(ServeConfig.defaults().withPort(0), model);
        Client client = new Client(server.port());
        var inFlight = predictLater(client, 7);
        model.awaitBatch();
        var closed = CompletableFuture.runAsync(server::close);
        Client.Answer late = null;
        while (late == null || late.status() != 503) { // until close() has begun
            late = client.get("/health");
        }
        assertEquals("1", late.response().headers().firstValue("Retry-After").orElse(""));
        assertTrue(!closed.isDone(), "close waits for the request in flight");
        model.release.countDown();
        Client.Answer a = inFlight.get();
        assertEquals(200, a.status(), a.body());
        assertEquals(7L, a.json().get("v"));
        closed.get();
    }
}

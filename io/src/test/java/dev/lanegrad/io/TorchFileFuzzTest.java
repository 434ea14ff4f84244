package dev.lanegrad.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Damaged and hostile torch.save files: whatever the bytes, the reader either reads them or throws a
 * TorchFileException; no other exception and no Error (stack overflow, out of memory) ever escapes.
 * Seeded, so a failure names a case that can be replayed.
 */
class TorchFileFuzzTest {

    @TempDir
    Path dir;

    private int read;
    private int refused;

    /** Reads one case; fails the test on anything but success or a TorchFileException. */
    private void check(byte[] file, String what) throws IOException {
        Path f = Files.write(dir.resolve("fuzz.pt"), file);
        try {
            TorchFile.read(f);
            read++;
        } catch (TorchFileException expected) {
            refused++;
        } catch (Throwable t) {
            fail(what + ": " + t, t);
        }
    }

    @Test
    void truncatedFilesOnlyEverThrowTheTypedException() throws IOException {
        byte[] whole = Files.readAllBytes(TorchFileTest.fixture("lstm_L2.pt"));
        for (int n = 0; n < whole.length; n += 7) {
            check(Arrays.copyOf(whole, n), "lstm_L2.pt cut at " + n);
        }
        if (read > 0) {
            fail("a cut archive was read as if it were whole (" + read + " times)");
        }
    }

    @Test
    void bitFlipsAnywhereInTheArchive() throws IOException {
        for (String name : new String[] {"lstm_L2.pt", "views_proto4.pt", "gru_L2_f16.pt"}) {
            byte[] whole = Files.readAllBytes(TorchFileTest.fixture(name));
            Random random = new Random(name.hashCode());
            for (int i = 0; i < 200; i++) {
                byte[] b = whole.clone();
                int flips = 1 + random.nextInt(4);
                StringBuilder where = new StringBuilder();
                for (int k = 0; k < flips; k++) {
                    int at = random.nextInt(b.length);
                    int bit = random.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    where.append(' ').append(at).append(':').append(bit);
                }
                check(b, name + " with bits flipped at" + where);
            }
        }
    }

    /** The archive stays valid; only data.pkl changes, so every mutation reaches the unpickler. */
    @Test
    void mutatedPicklesInsideAValidArchive() throws IOException {
        for (String name : new String[] {"lstm_L2.pt", "views_proto4.pt", "rnn_tanh_L2_bf16.pt"}) {
            TorchArchive original = TorchArchive.readAll(TorchFileTest.fixture(name));
            String pklName = original.records().keySet().stream().filter(k -> k.endsWith("/data.pkl")).findFirst().orElseThrow();
            byte[] pickle = original.records().get(pklName);
            Random random = new Random(31L * name.hashCode());
            for (int i = 0; i < 300; i++) {
                byte[] p = pickle.clone();
                String how;
                switch (random.nextInt(4)) {
                    case 0 -> {
                        int at = random.nextInt(p.length);
                        p[at] = (byte) random.nextInt(256);
                        how = "byte " + at + " = " + (p[at] & 0xff);
                    }
                    case 1 -> {
                        int at = random.nextInt(p.length);
                        p = Arrays.copyOf(p, at);
                        how = "cut at " + at;
                    }
                    case 2 -> {
                        // a 4-byte length or int overwritten with a large value
                        int at = random.nextInt(Math.max(1, p.length - 4));
                        int v = random.nextBoolean() ? Integer.MAX_VALUE : random.nextInt();
                        for (int k = 0; k < 4 && at + k < p.length; k++) {
                            p[at + k] = (byte) (v >>> (8 * k));
                        }
                        how = "int " + v + " at " + at;
                    }
                    default -> {
                        int from = random.nextInt(p.length);
                        int to = random.nextInt(p.length);
                        int len = Math.min(1 + random.nextInt(32), Math.min(p.length - from, p.length - to));
                        System.arraycopy(pickle, from, p, to, len);
                        how = len + " bytes from " + from + " copied to " + to;
                    }
                }
                TorchArchive mutated = new TorchArchive();
                for (Map.Entry<String, byte[]> r : original.records().entrySet()) {
                    mutated.record(r.getKey(), r.getKey().equals(pklName) ? p : r.getValue());
                }
                check(mutated.bytes(), name + " data.pkl " + how);
            }
        }
        if (refused == 0) {
            fail("no mutation was refused: the fuzzer does not reach the checks");
        }
    }
}

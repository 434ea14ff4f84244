package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quick start of docs/library.md runs, gives PyTorch's output, and the page still shows these very lines. */
class LibraryQuickStartTest {

    static final Path DOC = Path.of("..", "docs", "library.md");
    static final Path SOURCE = Path.of("src", "test", "java", "dev", "lanegrad", "models", "nn", "LibraryQuickStartTest.java");
    static final Pattern PATH_LITERAL = Pattern.compile("Path\\.of\\(\"[^\"]*\"\\)");

    float[] quickStart() throws IOException {
        float[] out;
        // --- as in docs/library.md (the file's path is relative to the repository there, to this module here) ---
        Sequential model = new Sequential()
                .add("lstm", LSTM.builder(3, 5).numLayers(2).build())   // names as in the PyTorch state_dict
                .add("fc", new Linear(5, 2));
        model.loadParameters(Path.of("../testdata/torch/lstm_L2.pt"));      // torch.save file or safetensors
        model.eval();
        try (Tape tape = new Tape(); Tape.NoGrad noGrad = tape.noGrad()) {
            Tensor x = Tensor.fromArray(new float[] {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f}, 2, 1, 3); // [T, B, 3]
            Tensor y = model.forward(x);                                                               // [T, B, 2]
            System.out.println(Arrays.toString(y.toArray()));
            out = y.toArray();
        }
        // ---
        return out;
    }

    @Test
    void theQuickStartGivesPyTorchsOutput() throws IOException {
        // PyTorch 1.13 on the same file and input: fc(lstm(x)[0])
        double[] pytorch = {-0.13461348414421082, -0.23916499316692352, -0.13604408502578735, -0.23883096873760223};
        float[] got = quickStart();
        assertEquals(pytorch.length, got.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals(pytorch[i], got[i], 1e-6, "output[" + i + "]");
        }
    }

    @Test
    void theDocShowsTheseLines() throws IOException {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("## Quick start");
        assertTrue(start >= 0, "docs/library.md has no '## Quick start'");
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(block.find(start), "no java block after '## Quick start'");
        List<String> docLines = normalized(block.group(1));
        String source = Files.readString(SOURCE);
        String tested = source.substring(source.indexOf("// --- as in docs/library.md"), source.indexOf("        // ---\n"));
        List<String> testLines = normalized(tested.substring(tested.indexOf('\n') + 1)).stream()
                .filter(l -> !l.startsWith("out = y.toArray();")).toList();
        assertArrayEquals(docLines.toArray(), testLines.toArray(), "docs/library.md's quick start and this test differ");
    }

    /** Trimmed non-blank lines, with any Path.of("...") literal made equal (the doc's path is from the repository root). */
    static List<String> normalized(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> PATH_LITERAL.matcher(l).replaceAll("Path.of(FILE)")).toList();
    }
}

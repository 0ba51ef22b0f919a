package dev.crflow.dsl;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every file under src/test/resources/invalid/ is rejected with exactly the diagnostics in NAME.expected
 * (one FILE:LINE: message per line, warnings included). A first-line comment {@code // test-profile: P}
 * loads with --profile P; {@code // test-mode: policy} loads the file as a policy file.
 * Run with -Dcrflow.golden.update=true to rewrite the golden files (then review the diff).
 */
class InvalidCorpusTest {
    private static final Pattern PROFILE = Pattern.compile("^// test-profile: (\\S+)");
    private static final boolean UPDATE = Boolean.getBoolean("crflow.golden.update");

    static Stream<Path> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(InvalidCorpusTest.class.getResource("/invalid").toURI());
        return Files.list(dir).filter(p -> p.toString().endsWith(".groovy")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRejectedWithExactlyTheExpectedMessages(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String name = file.getFileName().toString();
        Matcher m = PROFILE.matcher(text);
        Optional<String> profile = m.find() ? Optional.of(m.group(1)) : Optional.empty();
        LoadResult result = text.startsWith("// test-mode: policy")
                ? WorkflowLoader.checkPolicyText(text, name, file.getParent())
                : WorkflowLoader.checkText(text, name, file.getParent(), profile);
        String actual = result.diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n")) + "\n";
        Path expectedFile = sourceDir().resolve(name.replaceFirst("\\.groovy$", ".expected"));
        if (UPDATE) Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
        assertTrue(Files.exists(expectedFile), "missing golden file " + expectedFile);
        assertEquals(Files.readString(expectedFile, StandardCharsets.UTF_8), actual, name);
        assertFalse(result.ok(), name + " must be rejected");
        assertTrue(result.workflow().isEmpty());
        assertFalse(result.errors().isEmpty());
    }

    /** The golden files live in the source tree (not target/) so that an update lands in git. */
    private static Path sourceDir() {
        return Path.of(System.getProperty("user.dir")).resolve("src/test/resources/invalid");
    }
}

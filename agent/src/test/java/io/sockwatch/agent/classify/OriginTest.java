package io.sockwatch.agent.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The attribute values scripts and dashboards match (origins, reasons, detected_by, and which origins make a span
 * an error) are exactly the ones the telemetry contract, docs/telemetry.md, promises.
 */
class OriginTest {

    /** Surefire runs in the module directory. */
    private static final Path CONTRACT = Path.of(System.getProperty("basedir", "."), "..", "docs", "telemetry.md");

    private static final Pattern VALUE = Pattern.compile("`([^`]+)`");

    private static List<String> contract() throws IOException {
        assertTrue(Files.isRegularFile(CONTRACT), "the telemetry contract at " + CONTRACT.toAbsolutePath());
        return Files.readAllLines(CONTRACT);
    }

    /** The backticked values of {@code text}, leaving out what is said in parentheses. */
    private static Set<String> values(String text) {
        Matcher m = VALUE.matcher(text.replaceAll("\\([^)]*\\)", ""));
        Set<String> values = new TreeSet<>();
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    /** The cells of each row of the table whose header starts with {@code header}. */
    private static List<String[]> table(String header) throws IOException {
        List<String> lines = contract();
        int start = -1;
        for (int i = 0; i < lines.size() && start < 0; i++) {
            if (lines.get(i).startsWith(header)) {
                start = i + 2; // past the header and its |---| line
            }
        }
        assertTrue(start > 0, "no table " + header + " in " + CONTRACT);
        return lines.subList(start, lines.size()).stream().takeWhile(l -> l.startsWith("|"))
                .map(l -> l.substring(1).split("\\|")).toList();
    }

    /** The one row of the table whose header starts with {@code header} and whose first cell is {@code first}. */
    private static String[] row(String header, String first) throws IOException {
        List<String[]> rows = table(header).stream().filter(r -> r[0].trim().equals(first)).toList();
        assertEquals(1, rows.size(), "one row " + first + " in " + CONTRACT);
        return rows.get(0);
    }

    private static Set<String> distinct(List<String> values, String what) {
        Set<String> set = new TreeSet<>(values);
        assertEquals(values.size(), set.size(), "two " + what + " share a value: " + values);
        return set;
    }

    @Test
    void theOriginsAreTheContractsOrigins() throws IOException {
        Set<String> documented = table("| `socket.close.origin` | meaning").stream().map(r -> values(r[0]))
                .flatMap(Set::stream).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(documented, distinct(Arrays.stream(Origin.values()).map(Origin::value).toList(), "origins"));
    }

    @Test
    void theReasonsAreTheContractsReasons() throws IOException {
        Set<String> documented = table("| `socket.close.origin` | meaning").stream().map(r -> values(r[2]))
                .flatMap(Set::stream).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(documented, distinct(Arrays.stream(Reason.values()).map(Reason::value).toList(), "reasons"));
    }

    @Test
    void everyDetectedByIsInTheContractAndEveryOneIsUsed() throws IOException {
        Set<String> documented = values(row("| attribute |", "`socket.close.detected_by`")[2]);
        assertEquals(documented, Arrays.stream(Operation.values()).map(Operation::detectedBy)
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void theOriginsAlwaysInErrorAreTheOnesTheContractNames() throws IOException {
        String status = row("| field |", "status")[1];
        int always = status.indexOf("always `ERROR` for");
        assertTrue(always >= 0 && status.contains("`UNSET` for every ending that raised nothing"), status);
        Set<String> documented = values(status.substring(always + "always `ERROR` for".length()).split("\\.")[0]);
        Set<String> inCode = Arrays.stream(Origin.values()).filter(Origin::isAlwaysError).map(Origin::value)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(documented, inCode, status);
        // Without an exception, only those origins are errors, whatever the reason.
        for (Origin origin : Origin.values()) {
            for (Reason reason : Reason.values()) {
                boolean error = new Verdict(origin, reason, Operation.CLOSE, null).statusErrorType(null) != null;
                assertEquals(origin.isAlwaysError(), error, origin.value() + "/" + reason.value());
            }
        }
    }

    /** The value is the constant's name: nothing to look up between code and telemetry. */
    @Test
    void eachValueIsItsConstantsNameInLowerCase() {
        for (Origin origin : Origin.values()) {
            assertEquals(origin.name().toLowerCase(Locale.ROOT), origin.value());
        }
        for (Reason reason : Reason.values()) {
            assertEquals(reason.name().toLowerCase(Locale.ROOT), reason.value());
        }
    }
}

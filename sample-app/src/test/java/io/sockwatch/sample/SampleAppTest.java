package io.sockwatch.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SampleAppTest {

    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SampleApp.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> f = new HashMap<>();
        Matcher m = FIELD.matcher(line);
        int end = 0;
        while (m.find()) {
            assertEquals(end == 0 ? 0 : end + 1, m.start(), "fields are separated by one space: " + line);
            f.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
            end = m.end();
        }
        assertEquals(line.length(), end, "nothing but fields: " + line);
        return f;
    }

    @Test
    void listsEveryScenario() {
        Run r = run("--list");
        assertEquals(0, r.status());
        for (Scenario s : Scenarios.all()) {
            assertTrue(r.out().contains(s.name() + " "), s.name());
        }
        assertTrue(Scenarios.all().size() >= 10);
    }

    @Test
    void lingersAfterTheScenariosWhenAsked() {
        long t0 = System.nanoTime();
        Run r = run("--scenario", "client_close", "--linger", "1");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.status(), r.err());
        assertTrue(millis >= 1_000, "stayed " + millis + " ms");
        assertEquals(2, run("--scenario", "client_close", "--linger", "soon").status(), "a number of seconds");
    }

    @Test
    void refusesWhatItDoesNotKnow() {
        assertEquals(2, run("--scenario", "nope").status());
        assertEquals(2, run("--bogus").status());
        assertEquals(2, run().status());
    }

    @Test
    void allMeansTheScenariosMarkedForIt() {
        List<Scenario> all = SampleApp.select(Set.of("all"));
        assertEquals(Scenarios.all().stream().filter(Scenario::inAll).toList(), all);
        assertEquals(List.of("peer_crash", "nio"),
                SampleApp.select(Set.of("nio", "peer_crash")).stream().map(Scenario::name).toList());
    }

    /** Without any agent: every scenario reproduces what it is about, quickly, and says so in one line. */
    @Test
    void everyScenarioReproducesOnLoopback() {
        long start = System.nanoTime();
        Run r = run("--scenario", "all");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.status(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(SampleApp.select(Set.of("all")).size(), lines.size(), r.out());
        for (String line : lines) {
            Map<String, String> f = fields(line);
            String where = f.get("scenario") + ": " + line;
            assertTrue(!f.containsKey("error"), where);
            assertTrue(f.get("server_port").matches("\\d+"), where);
            assertTrue(f.get("client_port").matches("\\d+") || f.get("scenario").equals("refused"), where);
            assertTrue(Set.of("local_close", "peer_fin", "peer_rst", "timeout", "leaked")
                    .contains(f.get("expect_client")), where);
            assertTrue(f.get("client_api").startsWith("java."), where);
        }
        assertTrue(elapsedMs < 10_000, "all scenarios took " + elapsedMs + " ms");
    }

    @Test
    void readsAnHttpRequestHead() throws IOException {
        byte[] two = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        ByteArrayInputStream in = new ByteArrayInputStream(two);
        assertEquals("GET /a HTTP/1.1", IdleTimeoutHttpServer.readRequestHead(in));
        assertEquals("GET /b HTTP/1.1", IdleTimeoutHttpServer.readRequestHead(in));
        assertEquals(null, IdleTimeoutHttpServer.readRequestHead(in));
    }
}

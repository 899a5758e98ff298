package io.sockwatch.agent.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerFilterTest {

    private static PeerFilter parse(String... entries) {
        List<String> problems = new ArrayList<>();
        PeerFilter f = PeerFilter.parse(List.of(entries), problems);
        assertEquals(List.of(), problems);
        return f;
    }

    private static boolean excludes(PeerFilter f, String host, String ip, int port) throws Exception {
        return f.excludes(host, ip == null ? null : InetAddress.getByName(ip), port);
    }

    @Test
    void ipAndPort() throws Exception {
        PeerFilter f = parse("10.1.2.3:5432");
        assertTrue(excludes(f, null, "10.1.2.3", 5432));
        assertFalse(excludes(f, null, "10.1.2.3", 5433));
        assertFalse(excludes(f, null, "10.1.2.4", 5432));
    }

    @Test
    void cidrWithAndWithoutPort() throws Exception {
        PeerFilter f = parse("10.0.0.0/8", "192.168.4.0/22:443");
        assertTrue(excludes(f, null, "10.200.1.1", 1));
        assertFalse(excludes(f, null, "11.0.0.1", 1));
        assertTrue(excludes(f, null, "192.168.7.255", 443));
        assertFalse(excludes(f, null, "192.168.8.0", 443));
        assertFalse(excludes(f, null, "192.168.5.1", 80));
    }

    @Test
    void ipv6() throws Exception {
        PeerFilter f = parse("[::1]:4318", "fd00::/8");
        assertTrue(excludes(f, null, "::1", 4318));
        assertFalse(excludes(f, null, "::1", 4317));
        assertTrue(excludes(f, null, "fd12::5", 9));
        assertFalse(excludes(f, null, "127.0.0.1", 4318), "IPv4 never matches an IPv6 rule");
    }

    @Test
    void hostNameMatchesTheRequestedNameAndItsAddresses() throws Exception {
        PeerFilter f = parse("localhost:9411");
        assertTrue(excludes(f, "LOCALHOST", null, 9411));
        assertTrue(excludes(f, null, "127.0.0.1", 9411));
        assertFalse(excludes(f, "localhost", null, 9412));
    }

    @Test
    void anyHostOnAPort() throws Exception {
        PeerFilter f = parse("*:6379");
        assertTrue(excludes(f, "redis", "10.9.9.9", 6379));
        assertFalse(excludes(f, "redis", "10.9.9.9", 6380));
    }

    @Test
    void badEntriesAreReportedAndSkipped() throws Exception {
        List<String> problems = new ArrayList<>();
        PeerFilter f = PeerFilter.parse(List.of("10.0.0.0/33", "1.2.3.4:99999", "*", "[::1", "1.2.3.4:x", "ok:1"),
                problems);
        assertEquals(5, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("10.0.0.0/33") && problems.get(0).contains("prefix length"));
        assertTrue(excludes(f, "ok", null, 1));
    }

    @Test
    void plusAddsExporterEndpoint() throws Exception {
        PeerFilter f = PeerFilter.parse(List.of(), new ArrayList<>()).plus("127.0.0.1", 4318);
        assertTrue(excludes(f, null, "127.0.0.1", 4318));
        assertFalse(excludes(f, null, "127.0.0.1", 4317));
        assertTrue(PeerFilter.parse(List.of(), new ArrayList<>()).isEmpty());
    }
}

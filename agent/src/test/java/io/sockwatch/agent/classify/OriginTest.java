package io.sockwatch.agent.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The attribute values scripts and dashboards match: origins, reasons, detected_by. */
class OriginTest {

    @ParameterizedTest(name = "{0} = {1}, error={2}")
    @CsvSource({
            "LOCAL_CLOSE, local_close, false",
            "PEER_FIN,    peer_fin,    false",
            "PEER_RST,    peer_rst,    true",
            "TIMEOUT,     timeout,     true",
            "UNREACHABLE, unreachable, true",
            "LEAKED,      leaked,      true",
            "UNKNOWN,     unknown,     true"})
    void originValueAndStatus(Origin origin, String value, boolean error) {
        assertEquals(value, origin.value());
        assertEquals(error, origin.isError());
    }

    @Test
    void exactlyTheseOriginsExist() {
        assertEquals(7, Origin.values().length);
        assertEquals(EnumSet.of(Origin.PEER_RST, Origin.TIMEOUT, Origin.UNREACHABLE, Origin.LEAKED, Origin.UNKNOWN),
                Arrays.stream(Origin.values()).filter(Origin::isError)
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Origin.class))));
    }

    @Test
    void originValuesAreUnique() {
        Set<String> values = Arrays.stream(Origin.values()).map(Origin::value).collect(Collectors.toSet());
        assertEquals(Origin.values().length, values.size());
    }

    @ParameterizedTest
    @EnumSource(Reason.class)
    void reasonValueIsLowerSnakeCaseOfItsName(Reason reason) {
        assertTrue(reason.value().matches("[a-z]+(_[a-z]+)*"), reason.value());
        assertEquals(reason.name().toLowerCase(java.util.Locale.ROOT), reason.value());
    }

    @Test
    void reasonValuesAreUnique() {
        Set<String> values = new HashSet<>();
        for (Reason r : Reason.values()) {
            assertTrue(values.add(r.value()), "duplicate " + r.value());
        }
    }

    @ParameterizedTest(name = "{0} detected by {1}")
    @CsvSource({
            "CONNECT,  connect",
            "ACCEPT,   accept",
            "READ,     read",
            "WRITE,    write",
            "CLOSE,    close",
            "SHUTDOWN, close",
            "GC,       gc",
            "EXIT,     close"})
    void operationDetectedBy(Operation operation, String detectedBy) {
        assertEquals(detectedBy, operation.detectedBy());
    }

    @Test
    void everyOperationIsListed() {
        assertEquals(8, Operation.values().length);
    }
}

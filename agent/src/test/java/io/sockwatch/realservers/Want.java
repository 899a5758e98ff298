package io.sockwatch.realservers;

import io.sockwatch.realservers.LoopbackCapture.End;
import io.sockwatch.realservers.LoopbackCapture.Side;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one side of a scenario must show on the wire and report in its span, by one of four rules.
 *
 * <ul>
 *   <li>{@link Rule#EXACT}: the capture's first FIN or RST is {@code wire}, and the span says exactly
 *       origin/reason/detected_by, which is what docs/telemetry.md makes of that capture.</li>
 *   <li>{@link Rule#CAPTURE}: who goes first is a race the capture settles; the span must blame that side.</li>
 *   <li>{@link Rule#GOODBYE}: the client writes a protocol goodbye (PostgreSQL's Terminate, Redis' QUIT) and closes;
 *       contract v2 calls it {@code local_close} whichever FIN the wire shows first.</li>
 *   <li>{@link Rule#WRITE_AFTER_PEER_FIN}: the peer's FIN, then we write and the peer's RST answers; a second
 *       write fails with Broken pipe, or, after a single write, the close finds the reset pending (EPIPE); a write
 *       after an idle gap is caught before it, at reuse. All {@code peer_fin} in contract v2.</li>
 * </ul>
 */
record Want(Rule rule, End wire, String api, String origin, String reason, String detectedBy, int goodbyeBytes,
            Map<String, String> facts) {

    enum Rule { EXACT, CAPTURE, GOODBYE, WRITE_AFTER_PEER_FIN }

    static final End CLIENT_FIN = new End(Side.CLIENT, "FIN");
    static final End CLIENT_RST = new End(Side.CLIENT, "RST");
    static final End SERVER_FIN = new End(Side.SERVER, "FIN");
    static final End SERVER_RST = new End(Side.SERVER, "RST");
    static final End REFUSED = End.REFUSED;

    static Want exact(End wire, String api, String origin, String reason, String detectedBy) {
        return new Want(Rule.EXACT, wire, api, origin, reason, detectedBy, 0, Map.of());
    }

    static Want capture(String api) {
        return new Want(Rule.CAPTURE, null, api, null, null, null, 0, Map.of());
    }

    /** A goodbye of {@code bytes} bytes: the client's last data before the first FIN or RST. */
    static Want goodbye(String api, int bytes) {
        return new Want(Rule.GOODBYE, null, api, null, null, null, bytes, Map.of());
    }

    static Want writeAfterPeerFin(String api) {
        return new Want(Rule.WRITE_AFTER_PEER_FIN, null, api, null, null, null, 0, Map.of());
    }

    /** The program's line must carry {@code key} matching {@code regex}: the scenario did what it says. */
    Want fact(String key, String regex) {
        Map<String, String> f = new LinkedHashMap<>(facts);
        f.put(key, regex);
        return new Want(rule, wire, api, origin, reason, detectedBy, goodbyeBytes, Map.copyOf(f));
    }

    /** The expectation as the matrix shows it. */
    String describe() {
        return switch (rule) {
            case EXACT -> origin + "/" + reason + "/" + detectedBy;
            case CAPTURE -> "the side the capture shows";
            case GOODBYE -> "goodbye: local_close/close/close, with socket.goodbye when the server's FIN is first";
            case WRITE_AFTER_PEER_FIN -> "peer_fin: eof by reuse after an idle gap, broken_pipe by a failed write, "
                    + "eof by close (EPIPE pending)";
        };
    }
}

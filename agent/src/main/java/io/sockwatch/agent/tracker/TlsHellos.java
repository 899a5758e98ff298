package io.sockwatch.agent.tracker;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Links an {@code SSLEngine}, which has no socket, to the connection it runs over, by content.
 *
 * <p>A TLS connection starts with a plaintext hello from each side, and each hello carries 32 random bytes chosen
 * for this handshake alone. The first bytes a connection reads are the peer's hello (the ClientHello on a server,
 * the ServerHello on a client), and the first record the engine at this end unwraps is that same hello. So a
 * connection whose first read is a hello is indexed by a fingerprint of its random; when an engine unwraps a hello,
 * the one connection with that fingerprint is its connection.
 *
 * <p>Content proves that the bytes passed through the connection, not that no other connection carried them: a TCP
 * relay in the same process reads the same hello on a second connection. A fingerprint held by two live
 * connections therefore links neither, for as long as either lives. Nothing here runs per read or per record:
 * {@link #fingerprint} is called on a connection's first read and on records that start like a hello.
 *
 * <p>Not thread-safe: {@link TlsLinks} guards it, with its engine links, under one lock.
 */
final class TlsHellos {

    /** TLS record content type of handshake messages; the hellos are the only plaintext handshake records seen. */
    static final byte HANDSHAKE = 22;

    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_HELLO = 2;
    /** Record header (5), handshake header (4), legacy version (2), then the 32-byte random. */
    private static final int RANDOM_OFFSET = 11;
    private static final int RANDOM_LENGTH = 32;

    /**
     * A TLS 1.3 HelloRetryRequest is a ServerHello whose random is this constant (RFC 8446, 4.1.3): it identifies
     * nothing, so it is never indexed.
     */
    private static final long HELLO_RETRY_REQUEST = hash(ByteBuffer.wrap(new byte[] {
            (byte) 0xCF, 0x21, (byte) 0xAD, 0x74, (byte) 0xE5, (byte) 0x9A, 0x61, 0x11, (byte) 0xBE, 0x1D,
            (byte) 0x8C, 0x02, 0x1E, 0x65, (byte) 0xB8, (byte) 0x91, (byte) 0xC2, (byte) 0xA2, 0x11, 0x16, 0x7A,
            (byte) 0xBB, (byte) 0x8C, 0x5E, 0x07, (byte) 0x9E, 0x09, (byte) 0xE2, (byte) 0xC8, (byte) 0xA8, 0x33,
            (byte) 0x9C}), 0, SERVER_HELLO);

    /** Connections holding the same fingerprint: relayed bytes. The fingerprint links nothing while any lives. */
    private static final class Shared {
        final List<ConnectionState> holders = new ArrayList<>(2);
    }

    /** Fingerprint to the one connection whose first read carried it, or {@link Shared}. */
    private final Map<Long, Object> byFingerprint = new HashMap<>();

    /**
     * The fingerprint of the TLS ClientHello or ServerHello record that starts at {@code start} in {@code b}
     * (absolute positions; the buffer's position and limit are not changed), or 0 if the bytes up to {@code end} are
     * not the beginning of such a record with its whole random.
     */
    static long fingerprint(ByteBuffer b, int start, int end) {
        if (start < 0 || end > b.limit() || end - start < RANDOM_OFFSET + RANDOM_LENGTH) {
            return 0;
        }
        int type = b.get(start + 5);
        if (b.get(start) != HANDSHAKE || b.get(start + 1) != 3 || (type != CLIENT_HELLO && type != SERVER_HELLO)
                || b.get(start + 9) != 3) {
            return 0; // not a TLS (major version 3) hello; DTLS and SSLv2-format hellos are left out too
        }
        int recordLength = ((b.get(start + 3) & 0xff) << 8) | (b.get(start + 4) & 0xff);
        if (recordLength < RANDOM_OFFSET - 5 + RANDOM_LENGTH) {
            return 0;
        }
        long h = hash(b, start + RANDOM_OFFSET, type);
        return h == 0 || h == HELLO_RETRY_REQUEST ? 0 : h;
    }

    /** FNV-1a over the 32 random bytes at {@code at}, seeded with the hello type. */
    private static long hash(ByteBuffer b, int at, int type) {
        long h = 0xcbf29ce484222325L ^ type;
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            h = (h ^ (b.get(at + i) & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** {@code state}'s first read carried the hello with fingerprint {@code fp}. */
    void received(ConnectionState state, long fp) {
        if (state.helloFingerprint != 0) {
            return;
        }
        state.helloFingerprint = fp;
        Object holder = byFingerprint.get(fp);
        if (holder == null) {
            byFingerprint.put(fp, state);
        } else if (holder instanceof Shared shared) {
            shared.holders.add(state);
        } else {
            Shared shared = new Shared();
            shared.holders.add((ConnectionState) holder);
            shared.holders.add(state);
            byFingerprint.put(fp, shared);
        }
    }

    /**
     * The connection, and the only one, that received the hello with fingerprint {@code fp}; it is taken out of the
     * index, so no other engine can claim it. Null when no connection, or more than one, received it.
     */
    ConnectionState claim(long fp) {
        Object holder = byFingerprint.get(fp);
        if (holder instanceof ConnectionState state) {
            byFingerprint.remove(fp);
            return state;
        }
        return null;
    }

    /** The connection ended: its fingerprint no longer names it. */
    void ended(ConnectionState state) {
        long fp = state.helloFingerprint;
        if (fp == 0) {
            return;
        }
        Object holder = byFingerprint.get(fp);
        if (holder == state) {
            byFingerprint.remove(fp);
        } else if (holder instanceof Shared shared) {
            shared.holders.remove(state);
            if (shared.holders.isEmpty()) {
                byFingerprint.remove(fp);
            }
        }
    }
}

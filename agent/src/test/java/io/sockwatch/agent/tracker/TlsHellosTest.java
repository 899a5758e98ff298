package io.sockwatch.agent.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Recognising TLS hellos by their bytes, and the index that hands each to one engine at most. */
class TlsHellosTest {

    /** A TLS record holding a hello of {@code type} (1 ClientHello, 2 ServerHello) with {@code random}. */
    static byte[] hello(int type, byte[] random) {
        byte[] body = new byte[38 + 40]; // version, random, then some of what follows the random
        body[0] = 3;
        body[1] = 3;
        System.arraycopy(random, 0, body, 2, 32);
        byte[] record = new byte[5 + 4 + body.length];
        record[0] = 22;
        record[1] = 3;
        record[2] = 1;
        record[3] = (byte) ((4 + body.length) >> 8);
        record[4] = (byte) (4 + body.length);
        record[5] = (byte) type;
        record[8] = (byte) body.length;
        System.arraycopy(body, 0, record, 9, body.length);
        return record;
    }

    static byte[] random(int seed) {
        byte[] r = new byte[32];
        for (int i = 0; i < r.length; i++) {
            r[i] = (byte) (seed * 31 + i * 7);
        }
        return r;
    }

    private static long fp(byte[] bytes) {
        return TlsHellos.fingerprint(ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    @Test
    void theSameHelloHasTheSameFingerprintWhereverItSits() {
        byte[] h = hello(1, random(1));
        ByteBuffer inside = ByteBuffer.allocateDirect(h.length + 100);
        inside.position(37);
        inside.put(h); // as a read leaves it: the bytes end at the position
        int end = inside.position();
        long before = fp(h);
        assertNotEquals(0, before);
        assertEquals(before, TlsHellos.fingerprint(inside, end - h.length, end));
        assertEquals(end, inside.position(), "the buffer is not moved");
        assertEquals(inside.capacity(), inside.limit());
    }

    @Test
    void differentRandomsAndDifferentHelloTypesDiffer() {
        assertNotEquals(fp(hello(1, random(1))), fp(hello(1, random(2))));
        assertNotEquals(fp(hello(1, random(1))), fp(hello(2, random(1))));
    }

    @Test
    void onlyACompleteTlsHelloAtTheStartCounts() {
        byte[] h = hello(2, random(3));
        assertEquals(0, TlsHellos.fingerprint(ByteBuffer.wrap(h), 0, 42), "the random must be complete");
        byte[] appData = h.clone();
        appData[0] = 23;
        assertEquals(0, fp(appData), "application data");
        byte[] finished = h.clone();
        finished[5] = 20;
        assertEquals(0, fp(finished), "another handshake message");
        byte[] dtls = h.clone();
        dtls[1] = (byte) 0xfe;
        assertEquals(0, fp(dtls), "DTLS");
        byte[] http = "GET / HTTP/1.1\r\nHost: example\r\n\r\n..........".getBytes();
        assertEquals(0, fp(http));
        byte[] shifted = new byte[h.length + 1];
        System.arraycopy(h, 0, shifted, 1, h.length);
        assertEquals(0, fp(shifted), "a hello must start where the read started");
    }

    @Test
    void aHelloRetryRequestIdentifiesNothing() {
        byte[] hrr = new byte[32];
        int[] v = {0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
                0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
        for (int i = 0; i < 32; i++) {
            hrr[i] = (byte) v[i];
        }
        assertEquals(0, fp(hello(2, hrr)));
        assertNotEquals(0, fp(hello(1, hrr)), "only as a ServerHello is that random the constant");
    }

    @Test
    void aFingerprintIsClaimedOnceAndNeverWhenTwoConnectionsReadIt() {
        TlsHellos hellos = new TlsHellos();
        ConnectionState a = state();
        ConnectionState b = state();
        ConnectionState c = state();
        long one = fp(hello(1, random(1)));
        long two = fp(hello(1, random(2)));
        hellos.received(a, one);
        assertSame(a, hellos.claim(one));
        assertNull(hellos.claim(one), "claimed already");

        hellos.received(b, two);
        hellos.received(c, two); // a relay in the same process read the same bytes
        assertNull(hellos.claim(two));
        hellos.ended(c);
        assertNull(hellos.claim(two), "still unknown which of the two it was");
        hellos.ended(b);
        // Nothing is kept once the connections ended: a later connection that reads the same bytes stands alone.
        ConnectionState later = state();
        hellos.received(later, two);
        assertSame(later, hellos.claim(two), "the relayed fingerprint was not forgotten");
    }

    @Test
    void onlyTheFirstHelloOfAConnectionIsIndexed() {
        TlsHellos hellos = new TlsHellos();
        ConnectionState a = state();
        long one = fp(hello(1, random(1)));
        long two = fp(hello(1, random(2)));
        hellos.received(a, one);
        hellos.received(a, two);
        assertNull(hellos.claim(two));
        assertEquals(one, a.helloFingerprint);
        hellos.ended(a);
        assertNull(hellos.claim(one), "an ended connection is not claimed");
    }

    private static ConnectionState state() {
        return new ConnectionState("test", Role.SERVER, System.nanoTime(), null, 0);
    }
}

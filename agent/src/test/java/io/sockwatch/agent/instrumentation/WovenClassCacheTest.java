package io.sockwatch.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache of woven classes: what it gives back, what it refuses, and that it never throws. */
class WovenClassCacheTest {

    private static final String ME = System.getProperty("user.name");
    private static final String CONTEXT = "0.1.0 byte-buddy-1.18.14 abc|17.0.1+12|17.0.1+12|Vendor";
    private static final byte[] ORIGINAL = "original class file".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WOVEN = "woven class file, a little longer".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private final List<String> warnings = new ArrayList<>();
    private final List<String> debug = new ArrayList<>();

    private WovenClassCache open(Path dir) {
        return WovenClassCache.open(dir, CONTEXT, ME, warnings::add, debug::add);
    }

    private List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void aStoredClassIsGivenBackWhole() throws IOException {
        Path dir = tmp.resolve("new/sockwatch");
        WovenClassCache cache = open(dir);
        assertNotNull(cache, debug::toString);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        byte[] key = cache.key("sun/nio/ch/NioSocketImpl", ORIGINAL, List.of());
        assertNull(cache.load(key), "a miss before it is stored");

        cache.store(key, WOVEN);
        assertArrayEquals(WOVEN, cache.load(key));
        assertArrayEquals(WOVEN, open(dir).load(key), "and in the next JVM");
        List<Path> files = entries(dir);
        assertEquals(1, files.size(), files::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))));
        assertEquals(List.of(), warnings);
        assertEquals(List.of(), debug);
    }

    @Test
    void anyChangeToWhatDecidesTheWeavingIsAnotherKey() {
        WovenClassCache cache = open(tmp.resolve("c"));
        byte[] key = cache.key("a/B", ORIGINAL, List.of("core".getBytes(StandardCharsets.UTF_8)));
        cache.store(key, WOVEN);
        byte[] changed = Arrays.copyOf(ORIGINAL, ORIGINAL.length);
        changed[3] ^= 1;
        List<byte[]> others = List.of(
                cache.key("a/B", changed, List.of("core".getBytes(StandardCharsets.UTF_8))),
                cache.key("a/C", ORIGINAL, List.of("core".getBytes(StandardCharsets.UTF_8))),
                cache.key("a/B", ORIGINAL, List.of("Core".getBytes(StandardCharsets.UTF_8))),
                cache.key("a/B", ORIGINAL, Arrays.asList((byte[]) null)),
                cache.key("a/B", ORIGINAL, List.of()),
                WovenClassCache.open(tmp.resolve("c"), CONTEXT.replace("17.0.1+12|Vendor", "17.0.2+8|Vendor"), ME,
                        warnings::add, debug::add).key("a/B", ORIGINAL, List.of("core".getBytes(StandardCharsets.UTF_8))),
                WovenClassCache.open(tmp.resolve("c"), CONTEXT.replace("abc", "abd"), ME, warnings::add, debug::add)
                        .key("a/B", ORIGINAL, List.of("core".getBytes(StandardCharsets.UTF_8))));
        for (byte[] other : others) {
            assertFalse(Arrays.equals(key, other));
            assertNull(cache.load(other));
        }
        assertArrayEquals(WOVEN, cache.load(key));
    }

    @Test
    void anEntryStoredUnderAnotherKeyIsDiscarded() throws IOException {
        Path dir = tmp.resolve("c");
        WovenClassCache cache = open(dir);
        byte[] key = cache.key("a/B", ORIGINAL, List.of());
        byte[] other = cache.key("a/B", WOVEN, List.of());
        cache.store(key, WOVEN);
        cache.store(other, WOVEN);
        // The file of `other` now holds the entry of `key`: its name says one input, its content another.
        Path keyFile = entries(dir).stream().filter(p -> !p.getFileName().toString().startsWith(hex(other)))
                .findFirst().orElseThrow();
        Files.move(keyFile, dir.resolve(hex(other) + ".woven"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertNull(cache.load(other));
        assertEquals(List.of(), entries(dir), "discarded");
        assertTrue(debug.stream().anyMatch(l -> l.contains("discarding corrupt cache entry")), debug::toString);
    }

    @Test
    void aCorruptOrTruncatedEntryIsDiscarded() throws IOException {
        Path dir = tmp.resolve("c");
        WovenClassCache cache = open(dir);
        byte[] key = cache.key("a/B", ORIGINAL, List.of());
        for (int damage = 0; damage < 4; damage++) {
            cache.store(key, WOVEN);
            Path entry = entries(dir).get(0);
            byte[] bytes = Files.readAllBytes(entry);
            switch (damage) {
                case 0 -> bytes[bytes.length - 1] ^= 0x20; // the woven bytes: their digest no longer matches
                case 1 -> bytes = Arrays.copyOf(bytes, bytes.length - 5); // truncated
                case 2 -> bytes = Arrays.copyOf(bytes, 10); // a header cut short
                default -> bytes[0] = 'X'; // not an entry at all
            }
            Files.write(entry, bytes);
            assertNull(cache.load(key), "damage " + damage);
            assertEquals(List.of(), entries(dir), "damage " + damage + " is discarded");
        }
        cache.store(key, WOVEN);
        assertArrayEquals(WOVEN, cache.load(key), "and stored again");
        assertEquals(List.of(), warnings);
    }

    @Test
    void aDirectoryOthersCanWriteIsRefused() throws IOException {
        for (String permissions : List.of("rwxrwx---", "rwx---rwx", "rwxrwxrwx")) {
            Path dir = Files.createDirectory(tmp.resolve("shared-" + permissions.replace('-', '_')));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(permissions));
            warnings.clear();
            assertNull(open(dir), permissions);
            assertEquals(1, warnings.size(), warnings::toString);
            assertTrue(warnings.get(0).startsWith("sockwatch: not using the cache " + dir + ": writable by other users"),
                    warnings.get(0));
        }
        Path readable = Files.createDirectory(tmp.resolve("readable"));
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rwxr-xr-x"));
        warnings.clear();
        assertNotNull(open(readable), "readable by others is fine: what matters is who can write");
        assertEquals(List.of(), warnings);
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("theirs"));
        assertNull(WovenClassCache.open(dir, CONTEXT, "someone-else", warnings::add, debug::add));
        assertEquals(List.of("sockwatch: not using the cache " + dir + ": owned by " + ME + ", not by someone-else; "
                + "sockwatch.cache.dir can name a directory of your own, or none"), warnings);
    }

    @Test
    void aUserWithoutANameOwnsByUid() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("mine"));
        String uid = String.valueOf(Files.getAttribute(dir, "unix:uid"));
        WovenClassCache cache = WovenClassCache.open(dir, CONTEXT, uid, warnings::add, debug::add);
        assertNotNull(cache, warnings::toString);
        byte[] key = cache.key("a/B", ORIGINAL, List.of());
        cache.store(key, WOVEN);
        assertArrayEquals(WOVEN, cache.load(key));
        assertNull(WovenClassCache.open(dir, CONTEXT, uid + "1", warnings::add, debug::add), "another uid");
        assertEquals(1, warnings.size(), warnings::toString);
    }

    @Test
    void aSymbolicLinkOrAFileIsRefused() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("target"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        assertNull(open(link));
        Path file = Files.createFile(tmp.resolve("file"));
        assertNull(open(file));
        assertEquals(2, warnings.size(), warnings::toString);
        assertTrue(warnings.stream().allMatch(w -> w.contains("not a directory")), warnings::toString);
    }

    @Test
    void anEntryOthersCanWriteOrALinkIsNotRead() throws IOException {
        Path dir = tmp.resolve("c");
        WovenClassCache cache = open(dir);
        byte[] key = cache.key("a/B", ORIGINAL, List.of());
        cache.store(key, WOVEN);
        Path entry = entries(dir).get(0);
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertNull(cache.load(key));
        Path elsewhere = Files.move(entry, tmp.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(entry, elsewhere);
        assertNull(cache.load(key));
        assertEquals(List.of(), warnings, "only debug lines");
        assertEquals(2, debug.size(), debug::toString);
    }

    @Test
    void aCacheThatCannotBeWrittenCostsOnlyADebugLine() throws IOException {
        Path underAFile = Files.createFile(tmp.resolve("plain-file")).resolve("sockwatch");
        assertNull(open(underAFile));
        assertEquals(List.of(), warnings);
        assertEquals(1, debug.size(), debug::toString);

        Path dir = tmp.resolve("gone");
        WovenClassCache cache = open(dir);
        Files.delete(dir);
        byte[] key = cache.key("a/B", ORIGINAL, List.of());
        cache.store(key, WOVEN); // never throws
        assertNull(cache.load(key));
        assertEquals(List.of(), warnings);
        assertTrue(debug.get(debug.size() - 1).startsWith("sockwatch: cannot write to the cache " + dir),
                debug::toString);
    }

    @Test
    void theOldestEntriesGoPastTheCap() throws IOException {
        Path dir = tmp.resolve("c");
        WovenClassCache cache = open(dir);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < WovenClassCache.MAX_ENTRIES; i++) {
            byte[] key = cache.key("a/B" + i, ORIGINAL, List.of());
            cache.store(key, WOVEN);
            keys.add(key);
        }
        for (int i = 0; i < keys.size(); i++) { // the first ones stored are the oldest
            Files.setLastModifiedTime(dir.resolve(hex(keys.get(i)) + ".woven"),
                    java.nio.file.attribute.FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Path halfWritten = Files.createFile(dir.resolve("entry-123.tmp"));
        Files.setLastModifiedTime(halfWritten, java.nio.file.attribute.FileTime.fromMillis(0));
        byte[] newest = cache.key("a/New", ORIGINAL, List.of());
        cache.store(newest, WOVEN);
        assertEquals(WovenClassCache.MAX_ENTRIES, entries(dir).size());
        assertNull(cache.load(keys.get(0)), "the oldest went");
        assertArrayEquals(WOVEN, cache.load(keys.get(1)));
        assertArrayEquals(WOVEN, cache.load(newest));
        assertFalse(Files.exists(halfWritten));
    }

    private static String hex(byte[] key) {
        String name = WovenClassCache.fileName(key);
        return name.substring(0, name.length() - ".woven".length());
    }
}

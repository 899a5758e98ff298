package io.sockwatch.agent.instrumentation;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Woven class files kept between runs in a directory of the user's own, so that a JVM whose target classes were woven
 * before defines them without loading Byte Buddy (about a thousand classes and half a second of start-up).
 *
 * <p>An entry is found by a key of everything its weaving depends on: the original class file, the class files of
 * the classes it stands or falls with, the agent's weaving (its advice and rows, and Byte Buddy's version, digested at
 * build time), and the JDK build. An entry holds its whole key and a fingerprint of the woven bytes (length, two
 * CRCs); any mismatch, any truncation, and it is discarded. A directory or an entry that another user owns or could
 * write is never read: that, not a hash, is what keeps others' bytes out. Nothing here throws: every failure means "not cached", and Byte Buddy weaves the class as without a cache.
 */
public final class WovenClassCache {

    private static final int MAGIC = 0x53574343; // "SWCC"
    private static final int FORMAT = 2;
    /** A class file's length, CRC-32 and CRC-32C. */
    private static final int FINGERPRINT_BYTES = 12;
    private static final int HEADER_BYTES = 4 + 4 + 4 + FINGERPRINT_BYTES;
    /** Longer than any key: a context, a class name and a few fingerprints. */
    private static final int MAX_KEY_BYTES = 64 * 1024;
    /** Larger than any class sockwatch weaves; a bigger file is not one of ours. */
    private static final int MAX_CLASS_BYTES = 4 << 20;
    private static final String SUFFIX = ".woven";
    /**
     * Entries kept: a few dozen per JDK build and agent build (more with several Netty copies); past this, the oldest
     * go when a new one is stored, so that upgrades do not pile up forever.
     */
    static final int MAX_ENTRIES = 512;
    private static final Set<PosixFilePermission> OTHERS_MAY_WRITE =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private final Path dir;
    private final byte[] context;
    private final String owner;
    private final Consumer<String> debug;

    private WovenClassCache(Path dir, String context, String owner, Consumer<String> debug) {
        this.dir = dir;
        this.context = context.getBytes(StandardCharsets.UTF_8);
        this.owner = owner;
        this.debug = debug;
    }

    /**
     * The cache in {@code dir} (created, owner-only, when missing), or null when it cannot be used: not a directory of
     * {@code owner}'s, writable by others, or not on a POSIX file system. Those refusals print one line on
     * {@code warn}; I/O errors only a debug line.
     *
     * @param context what besides the class files decides the weaving: the agent's weaving id and the JDK build
     * @param owner   the user the directory and its entries must belong to: {@code user.name}, or the uid of a user
     *                the system has no name for
     */
    public static WovenClassCache open(Path dir, String context, String owner, Consumer<String> warn,
                                       Consumer<String> debug) {
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } catch (FileAlreadyExistsException anotherJvm) {
                    // checked below like any other
                }
            }
            PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            String unsafe = !attributes.isDirectory() ? "not a directory"
                    : !ownedBy(owner, dir, attributes) ? "owned by " + attributes.owner().getName()
                    + ", not by " + owner
                    : writableByOthers(attributes) ? "writable by other users ("
                    + PosixFilePermissions.toString(attributes.permissions()) + ")" : null;
            if (unsafe != null) {
                warn.accept("sockwatch: not using the cache " + dir + ": " + unsafe + "; sockwatch.cache.dir can name a"
                        + " directory of your own, or none");
                return null;
            }
            fingerprint(new byte[1]); // its classes loaded before any transformation needs them
            return new WovenClassCache(dir, context, owner, debug);
        } catch (IOException | RuntimeException e) {
            debug.accept("sockwatch: no cache of woven classes in " + dir + " (" + e + ")");
            return null;
        }
    }

    /** By name; or, for a user the system has no name for, by the uid that stands for it. */
    private static boolean ownedBy(String owner, Path file, PosixFileAttributes attributes) throws IOException {
        if (attributes.owner().getName().equals(owner)) {
            return true;
        }
        return !owner.isEmpty() && owner.chars().allMatch(Character::isDigit)
                && owner.equals(String.valueOf(Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)));
    }

    private static boolean writableByOthers(PosixFileAttributes attributes) {
        for (PosixFilePermission p : attributes.permissions()) {
            if (OTHERS_MAY_WRITE.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The key of a class: this cache's context, its name, and the fingerprints of its class file and of the class files
     * of the classes it stands or falls with (null for one that is missing). An entry holds its whole key and is used
     * only if it is exactly this one; the file name is a digest of it. Class files enter by their fingerprint (length
     * and two CRCs): cheap from the first class, where a SHA-256 cost the first class loaded (java.net.Socket, on the
     * application's thread) 30 ms in the interpreter and the first digest alone 6 to 13 ms.
     */
    byte[] key(String className, byte[] classFile, List<byte[]> related) {
        ByteArrayOutputStream key = new ByteArrayOutputStream(256);
        key.writeBytes(context);
        key.write(0);
        key.writeBytes(className.getBytes(StandardCharsets.UTF_8));
        key.write(0);
        key.writeBytes(fingerprint(classFile));
        for (byte[] r : related) {
            key.writeBytes(fingerprint(r));
        }
        return key.toByteArray();
    }

    /** Length, CRC-32 and CRC-32C: two independent checks, 64 bits besides the length; all zero for no file. */
    static byte[] fingerprint(byte[] bytes) {
        ByteBuffer f = ByteBuffer.allocate(FINGERPRINT_BYTES);
        if (bytes == null) {
            return f.putInt(-1).array();
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        CRC32C crcC = new CRC32C();
        crcC.update(bytes);
        return f.putInt(bytes.length).putInt((int) crc.getValue()).putInt((int) crcC.getValue()).array();
    }

    /** The woven class file stored under {@code key}, or null; an entry that does not check out is deleted. */
    byte[] load(byte[] key) {
        Path file = dir.resolve(fileName(key));
        try {
            PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile() || !ownedBy(owner, file, attributes) || writableByOthers(attributes)
                    || attributes.size() > HEADER_BYTES + MAX_KEY_BYTES + MAX_CLASS_BYTES) {
                debug.accept("sockwatch: ignoring cache entry " + file + ": not a file of " + owner + "'s alone");
                return null;
            }
            byte[] entry;
            // java.io, not a channel: a channel read on an interrupted thread (an application's, or ours at exit)
            // would fail and close. The directory is the owner's alone, so the file checked above is this one.
            try (InputStream in = new FileInputStream(file.toFile())) {
                entry = in.readNBytes((int) attributes.size());
            }
            byte[] woven = unpack(entry, key);
            if (woven == null) {
                debug.accept("sockwatch: discarding corrupt cache entry " + file);
                Files.deleteIfExists(file);
            }
            return woven;
        } catch (NoSuchFileException notCached) {
            return null;
        } catch (IOException | RuntimeException e) {
            debug.accept("sockwatch: cannot read cache entry " + file + " (" + e + ")");
            return null;
        }
    }

    /** Stores {@code woven} under {@code key}: whole or not at all (written aside, then renamed into place). */
    void store(byte[] key, byte[] woven) {
        if (woven.length > MAX_CLASS_BYTES) {
            return;
        }
        Path tmp = null;
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(HEADER_BYTES + woven.length);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(key.length);
            out.write(key);
            out.write(fingerprint(woven));
            out.write(woven);
            tmp = Files.createTempFile(dir, "entry-", ".tmp"); // owner-only, as createTempFile makes them
            try (OutputStream file = new FileOutputStream(tmp.toFile())) { // not interruptible, as above
                bytes.writeTo(file);
            }
            Files.move(tmp, dir.resolve(fileName(key)), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            prune();
        } catch (IOException | RuntimeException e) {
            debug.accept("sockwatch: cannot write to the cache " + dir + " (" + e + ")");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException | RuntimeException ignored) {
                    // left for the next cleaner; never read, its name is not an entry's
                }
            }
        }
    }

    /** Deletes the oldest entries past {@link #MAX_ENTRIES}, and files a crashed JVM left half written. */
    private void prune() throws IOException {
        List<Path> entries = new ArrayList<>();
        long stale = System.currentTimeMillis() - 3_600_000L;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    entries.add(f);
                } else if (name.startsWith("entry-") && name.endsWith(".tmp")
                        && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toMillis() < stale) {
                    Files.deleteIfExists(f);
                }
            }
        }
        if (entries.size() <= MAX_ENTRIES) {
            return;
        }
        Map<Path, Long> modified = new HashMap<>();
        for (Path f : entries) {
            modified.put(f, Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toMillis());
        }
        entries.sort(Comparator.comparing(modified::get));
        for (Path f : entries.subList(0, entries.size() - MAX_ENTRIES)) {
            Files.deleteIfExists(f);
        }
    }

    /** The woven bytes if {@code entry} is whole and was stored under {@code key}, else null. */
    private static byte[] unpack(byte[] entry, byte[] key) {
        if (entry.length < HEADER_BYTES) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(entry);
        if (in.getInt() != MAGIC || in.getInt() != FORMAT) {
            return null;
        }
        int keyLength = in.getInt();
        if (keyLength != key.length || in.remaining() < keyLength + FINGERPRINT_BYTES) {
            return null;
        }
        byte[] storedKey = new byte[keyLength];
        byte[] fingerprint = new byte[FINGERPRINT_BYTES];
        in.get(storedKey).get(fingerprint);
        if (!Arrays.equals(storedKey, key)) {
            return null;
        }
        byte[] woven = new byte[in.remaining()];
        in.get(woven);
        return Arrays.equals(fingerprint, fingerprint(woven)) ? woven : null;
    }

    /** The entry's file name: the key's fingerprint, in hex. Two keys may share it; the entry says whose it is. */
    static String fileName(byte[] key) {
        StringBuilder s = new StringBuilder(FINGERPRINT_BYTES * 2 + SUFFIX.length());
        for (byte b : fingerprint(key)) {
            s.append(Character.forDigit((b >>> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return s.append(SUFFIX).toString();
    }

    /** Reads a class file for a key; null when it cannot be read. */
    static byte[] readClassFile(InputStream in) {
        if (in == null) {
            return null;
        }
        try (in) {
            return in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    Path dir() {
        return dir;
    }
}

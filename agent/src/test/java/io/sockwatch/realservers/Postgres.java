package io.sockwatch.realservers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PostgreSQL server from the Debian package: a cluster made by {@code initdb} in a temp dir, {@code postgres} in the
 * foreground on a free loopback port, trust authentication for user {@code postgres}. PostgreSQL refuses to run as
 * root, so as root both run as the {@code postgres} user the package creates.
 */
final class Postgres {

    private Postgres() {
    }

    static LoopbackServer start() throws IOException, InterruptedException {
        // Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<major>/bin.
        List<Path> binDirs = new ArrayList<>();
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> majors = Files.list(lib)) {
                majors.map(m -> m.resolve("bin")).filter(Files::isDirectory)
                        .sorted(Comparator.comparing((Path p) -> major(p)).reversed()).forEach(binDirs::add);
            }
        }
        Path initdb = LocalDaemon.binary("initdb", "postgresql", binDirs).toRealPath();
        Path postgres = initdb.resolveSibling("postgres");
        Path dir = Files.createTempDirectory("sockwatch-postgres-");
        Path data = dir.resolve("data");
        List<String> asOwner = new ArrayList<>();
        if (isRoot()) {
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            try {
                PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
                view.setOwner(users.lookupPrincipalByName("postgres"));
                GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
                view.setGroup(group);
            } catch (IOException e) {
                throw new IllegalStateException("PostgreSQL refuses to run as root and there is no 'postgres' user "
                        + "to run it as: apt-get install postgresql creates it", e);
            }
            asOwner.addAll(List.of(LocalDaemon.binary("setpriv", "util-linux", List.of()).toString(),
                    "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        }
        List<String> init = new ArrayList<>(asOwner);
        init.addAll(List.of(initdb.toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                "--no-sync"));
        LocalDaemon.run(dir, init);
        int port = LocalDaemon.freePort();
        List<String> serve = new ArrayList<>(asOwner);
        serve.addAll(List.of(postgres.toString(), "-D", data.toString(), "-k", dir.toString(), "-p",
                Integer.toString(port), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                "-c", "shared_buffers=16MB", "-c", "max_connections=40", "-c", "log_connections=on",
                "-c", "log_disconnections=on"));
        // SIGINT is PostgreSQL's fast shutdown: it ends the backends still running (a pg_sleep whose client left).
        LocalDaemon daemon = LocalDaemon.start("postgres", dir, "INT", serve);
        daemon.awaitLog("database system is ready to accept connections");
        daemon.awaitPort(port);
        return new LoopbackServer(daemon, port);
    }

    private static int major(Path binDir) {
        try {
            return Integer.parseInt(binDir.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static boolean isRoot() throws IOException {
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }
}

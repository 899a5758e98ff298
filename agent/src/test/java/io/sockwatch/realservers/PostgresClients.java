package io.sockwatch.realservers;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * pgjdbc and HikariCP against a real PostgreSQL, under the agent. Arguments: the server's port, a closed port.
 * Connections that no scenario ends (the pools' replacements) are still open at exit on purpose: closing a pgjdbc
 * connection sends Terminate first, a goodbye, which only {@code pg_pool_shutdown} is about.
 */
public final class PostgresClients {

    private PostgresClients() {
    }

    public static void main(String[] args) {
        Report.runThenExit(PostgresClients::scenarios, args);
    }

    static void scenarios(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int closedPort = Integer.parseInt(args[1]);
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        // The session that terminates backends. Aborted at the end: the socket closes without Terminate.
        Connection admin = DriverManager.getConnection(url, "postgres", "");
        Report.connection("pg_admin", "admin", clientPort(admin), port);
        terminated(url, admin, port);
        idleSessionTimeout(url, port);
        socketTimeout(url, port);
        refused(closedPort);
        poolShutdown(url, port);
        admin.abort(Runnable::run);
    }

    /** pg_terminate_backend of a pooled connection, then the application uses it again. */
    static void terminated(String url, Connection admin, int port) throws Exception {
        HikariDataSource pool = pool(url, "terminated", 1);
        int pid;
        int victim;
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_backend_pid(), inet_client_port()")) {
            rs.next();
            pid = rs.getInt(1);
            victim = rs.getInt(2);
        }
        try (Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(" + pid + ", 5000)")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new IllegalStateException("backend " + pid + " not terminated");
            }
        }
        TcpTable.awaitCloseWait(victim, port);
        // Within Hikari's 500 ms bypass window the dead connection is handed out unchecked and the query fails;
        // later, Hikari's own check finds it dead and hands out a new one. The victim's ending is the same.
        String outcome;
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1")) {
            outcome = "replaced_by_hikari";
        } catch (SQLException e) {
            outcome = "query_failed_" + e.getSQLState();
        }
        Report.connection("pg_terminated", "victim", victim, port, "outcome=" + outcome);
        Report.connection("pg_terminated", "replacement", clientPort(pool), port);
    }

    /** The server ends an idle session (idle_session_timeout, this session only); the pool checks it and replaces it. */
    static void idleSessionTimeout(String url, int port) throws Exception {
        HikariDataSource pool = pool(url, "idle", 1);
        int victim;
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET idle_session_timeout = '600ms'"); // past Hikari's 500 ms bypass: it checks on borrow
            victim = clientPort(c);
        }
        TcpTable.awaitCloseWait(victim, port);
        Report.connection("pg_idle_session_timeout", "victim", victim, port);
        Report.connection("pg_idle_session_timeout", "replacement", clientPort(pool), port);
    }

    /** pgjdbc's socketTimeout expires during pg_sleep: the driver gives the connection up. */
    static void socketTimeout(String url, int port) throws Exception {
        Connection c = DriverManager.getConnection(url + "?socketTimeout=1", "postgres", "");
        int clientPort = clientPort(c);
        String outcome = "none";
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_sleep(3)");
        } catch (SQLException e) {
            outcome = e.getSQLState();
        }
        c.close(); // already closed by the driver: nothing more on the wire
        Report.connection("pg_socket_timeout", "client", clientPort, port, "outcome=" + outcome);
    }

    static void refused(int closedPort) {
        String outcome = "connected";
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres",
                "postgres", "")) {
            c.isValid(1);
        } catch (SQLException e) {
            outcome = e.getSQLState();
        }
        Report.connection("pg_refused", "client", 0, closedPort, "outcome=" + outcome);
    }

    /** A pool of three shut down: each connection says goodbye (Terminate) and is closed. */
    static void poolShutdown(String url, int port) throws Exception {
        HikariDataSource pool = pool(url, "shutdown", 3);
        Connection[] held = new Connection[3];
        int[] ports = new int[3];
        for (int i = 0; i < held.length; i++) {
            held[i] = pool.getConnection(); // all three at once: three distinct connections
            ports[i] = clientPort(held[i]);
        }
        for (Connection c : held) {
            c.close(); // back to the pool
        }
        pool.close();
        for (int p : ports) {
            Report.connection("pg_pool_shutdown", "pooled", p, port);
        }
    }

    private static HikariDataSource pool(String url, String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setPassword("");
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        return new HikariDataSource(config);
    }

    /** The client port as the server saw it. */
    static int clientPort(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT inet_client_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int clientPort(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return clientPort(c);
        }
    }
}

package io.sockwatch.realservers;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Jedis against a real Redis, under the agent. Arguments: the server's port, a closed port. Jedis sets SO_LINGER 0 on
 * its sockets, so each of its closes is a reset.
 */
public final class RedisClients {

    /** Jedis 5 has no quit(): the command as an application sends it. */
    private static final ProtocolCommand QUIT = () -> SafeEncoder.encode("QUIT");

    private RedisClients() {
    }

    public static void main(String[] args) {
        Report.runThenExit(RedisClients::scenarios, args);
    }

    static void scenarios(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int closedPort = Integer.parseInt(args[1]);
        refused(closedPort);
        plainClose(port);
        quit(port);
        clientKill(port);
        idleTimeout(port); // last: while it runs, every idle connection to the server is closed after 1 s
    }

    static void refused(int closedPort) {
        String outcome = "connected";
        try (Jedis j = new Jedis("127.0.0.1", closedPort)) {
            j.ping();
        } catch (JedisConnectionException e) {
            // Jedis tries each address the name resolves to and keeps their failures as suppressed exceptions.
            StringBuilder why = new StringBuilder(e.getMessage());
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                why.append(" / ").append(t.getMessage());
            }
            for (Throwable t : e.getSuppressed()) {
                why.append(" / ").append(t.getMessage());
            }
            outcome = why.toString();
        }
        Report.connection("redis_refused", "client", 0, closedPort, "outcome=" + outcome);
    }

    static void plainClose(int port) {
        Jedis j = new Jedis("127.0.0.1", port);
        j.set("sockwatch", "real-servers");
        int clientPort = clientPort(j);
        j.close();
        Report.connection("redis_close", "client", clientPort, port);
    }

    /**
     * QUIT: Redis answers +OK and closes; then the application closes. Five times: a goodbye is local_close every
     * time, whichever FIN the wire shows first, not a coin toss.
     */
    static void quit(int port) {
        for (int i = 0; i < 5; i++) {
            Jedis j = new Jedis("127.0.0.1", port);
            int clientPort = clientPort(j);
            Object reply = j.sendCommand(QUIT);
            j.close();
            Report.connection("redis_quit", "client", clientPort, port,
                    "reply=" + SafeEncoder.encode((byte[]) reply));
        }
    }

    /** CLIENT KILL from a second connection; then the killed one is used. */
    static void clientKill(int port) throws Exception {
        Jedis victim = new Jedis("127.0.0.1", port);
        int victimPort = clientPort(victim);
        long id = victim.clientId();
        Jedis killer = new Jedis("127.0.0.1", port);
        int killerPort = clientPort(killer);
        long killed = killer.clientKill(ClientKillParams.clientKillParams().id(Long.toString(id)));
        TcpTable.awaitCloseWait(victimPort, port);
        String outcome = "answered";
        try {
            victim.ping();
        } catch (JedisConnectionException e) {
            outcome = e.getMessage();
        }
        victim.close();
        killer.close();
        Report.connection("redis_client_kill", "victim", victimPort, port, "outcome=" + outcome);
        Report.connection("redis_client_kill", "killer", killerPort, port, "killed=" + killed);
    }

    /** Redis' timeout closes an idle pooled connection; the pool (testOnBorrow) finds it dead and makes another. */
    static void idleTimeout(int port) throws Exception {
        int setter;
        try (Jedis admin = new Jedis("127.0.0.1", port)) {
            admin.configSet("timeout", "1");
            setter = clientPort(admin);
        }
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(1);
        config.setTestOnBorrow(true);
        int stale;
        int fresh;
        try (JedisPool pool = new JedisPool(config, "127.0.0.1", port)) {
            try (Jedis j = pool.getResource()) {
                stale = clientPort(j);
            }
            TcpTable.awaitCloseWait(stale, port);
            try (Jedis j = pool.getResource()) {
                fresh = clientPort(j);
            }
        }
        int resetter;
        try (Jedis admin = new Jedis("127.0.0.1", port)) {
            admin.configSet("timeout", "0");
            resetter = clientPort(admin);
        }
        Report.connection("redis_timeout", "admin_set", setter, port);
        Report.connection("redis_timeout", "stale", stale, port);
        Report.connection("redis_timeout", "fresh", fresh, port);
        Report.connection("redis_timeout", "admin_reset", resetter, port);
    }

    /** The client port as Redis saw it (CLIENT INFO: addr=127.0.0.1:port). */
    static int clientPort(Jedis j) {
        for (String field : j.clientInfo().trim().split(" ")) {
            if (field.startsWith("addr=")) {
                return Integer.parseInt(field.substring(field.lastIndexOf(':') + 1));
            }
        }
        throw new IllegalStateException("no addr in CLIENT INFO");
    }
}

package io.sockwatch.realservers;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.EpollProvider;

/**
 * Lettuce, a Netty-based Redis client, against a real Redis on the transport Lettuce picks itself (epoll on Linux
 * when Netty's native library is there). Two connections: the victim, which Redis drops on the other's
 * {@code CLIENT KILL} (Lettuce's reconnect is off, so it stays dropped), and the killer, which the program closes.
 * Prints {@code LETTUCE epoll=<EpollProvider.isAvailable()>}, then {@code SCENARIO <name> client_port=<p>
 * server_port=<redis>} for each.
 */
public final class LettuceClients {

    private LettuceClients() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        System.out.println("LETTUCE epoll=" + EpollProvider.isAvailable());
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
        client.setOptions(ClientOptions.builder().autoReconnect(false).build());
        StatefulRedisConnection<String, String> victim = client.connect();
        System.out.println("  victim ping " + victim.sync().ping());
        long victimId = victim.sync().clientId();
        int victimPort = localPort(victim);
        StatefulRedisConnection<String, String> killer = client.connect();
        int killerPort = localPort(killer);
        System.out.println("  killed " + killer.sync().clientKill(KillArgs.Builder.id(victimId)));
        Thread.sleep(500);
        System.out.println("  victim open " + victim.isOpen());
        killer.close();
        Thread.sleep(200);
        System.out.println("SCENARIO lettuce_client_kill client_port=" + victimPort + " server_port=" + port);
        System.out.println("SCENARIO lettuce_close client_port=" + killerPort + " server_port=" + port);
        client.shutdown();
        System.exit(0);
    }

    /** The connection's own port, as Redis sees it ({@code CLIENT INFO}: {@code addr=127.0.0.1:<port>}). */
    private static int localPort(StatefulRedisConnection<String, String> connection) {
        for (String field : connection.sync().clientInfo().split(" ")) {
            if (field.startsWith("addr=")) {
                return Integer.parseInt(field.substring(field.lastIndexOf(':') + 1));
            }
        }
        throw new IllegalStateException("no addr in CLIENT INFO");
    }
}

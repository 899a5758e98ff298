package io.sockwatch.e2e.scenarios;

import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Reactor Netty's HttpServer and HttpClient on their default Linux transport (epoll), the client's connections
 * pooled. The server closes a keep-alive connection once it has been idle 1.5 s (long enough for a cold JVM's first
 * request on a busy machine: its idle timer runs from the accept); the client makes a request, waits
 * past that, and makes another (its pool has dropped the connection the server closed: a new one), then waits again.
 * Prints {@code REACTOR native=<LoopResources.hasNativeSupport()>}, then
 * {@code SCENARIO reactor_idle_pooled client_port=0 server_port=<p>}: two connections, both ended by the server.
 */
public final class ReactorNettyScenarios {

    private ReactorNettyScenarios() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("REACTOR native=" + LoopResources.hasNativeSupport());
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).idleTimeout(Duration.ofMillis(1500))
                .handle((request, response) -> response.sendString(Mono.just("hello"))).bindNow();
        HttpClient client = HttpClient.create().baseUrl("http://127.0.0.1:" + server.port());
        for (String path : new String[] {"/a", "/b"}) {
            String body = client.get().uri(path).responseContent().aggregate().asString().block(Duration.ofSeconds(5));
            System.out.println("  GET " + path + " -> " + body);
            Thread.sleep(3000); // the server's idle timeout closes the pooled connection
        }
        System.out.println("SCENARIO reactor_idle_pooled client_port=0 server_port=" + server.port());
        server.disposeNow();
        System.exit(0);
    }
}

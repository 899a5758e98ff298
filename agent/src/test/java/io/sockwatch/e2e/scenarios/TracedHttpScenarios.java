package io.sockwatch.e2e.scenarios;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.concurrent.Callable;

/**
 * HTTP requests with {@link HttpURLConnection} that suffer a connection's ending, against a server in the same
 * program: {@code reset} (the server resets the connection instead of answering) and {@code stale} (the second
 * request goes out on a pooled connection that the server had closed while idle; the JDK retries it on a new one);
 * and {@code query}, a database-like client whose session the server resets in the middle of a query
 * ({@link DbClient#query}, which the Java agent traces when told to by {@code otel.instrumentation.methods.include}).
 *
 * <p>Mode {@code agent}: the OpenTelemetry Java agent traces the requests. Mode {@code sdk}: the application has its
 * own OpenTelemetry SDK, makes a span current around each request, and prints each of its spans as
 * {@code APP_SPAN <name> <trace id> <span id>}. Mode {@code none}: no OpenTelemetry at all. Prints
 * {@code SERVER_PORT <port>} and {@code REQUEST <name> <outcome>}.
 */
public final class TracedHttpScenarios {

    private TracedHttpScenarios() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Requests requests = mode.equals("sdk") ? new OwnSdk() : (name, request) -> request.call();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> serve(server), "http-server");
            acceptor.setDaemon(true);
            acceptor.start();
            int port = server.getLocalPort();
            System.out.println("SERVER_PORT " + port);
            for (String scenario : args[1].split(",")) {
                switch (scenario) {
                    case "reset" -> request(requests, "reset", port, "/reset");
                    case "stale" -> {
                        request(requests, "stale-first", port, "/stale-first");
                        Thread.sleep(400); // the server closes the idle connection after 150 ms
                        request(requests, "stale-second", port, "/ok");
                    }
                    case "query" -> {
                        String outcome = requests.run("query", () -> {
                            try (DbClient db = new DbClient(port)) {
                                return db.query("SELECT 1");
                            } catch (IOException e) {
                                return e.toString();
                            }
                        });
                        System.out.println("REQUEST query " + outcome);
                    }
                    default -> throw new IllegalArgumentException(scenario);
                }
            }
        }
        if (mode.equals("agent")) {
            Thread.sleep(800); // the Java agent's metric reader exports at least once meanwhile
        }
        System.out.println("MAIN_END " + System.currentTimeMillis());
    }

    interface Requests {
        String run(String name, Callable<String> request) throws Exception;
    }

    private static void request(Requests requests, String name, int port, String path) throws Exception {
        String outcome = requests.run(name, () -> {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
            c.setReadTimeout(5000);
            try (InputStream in = c.getInputStream()) {
                return c.getResponseCode() + " " + new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                return e.toString();
            }
        });
        System.out.println("REQUEST " + name + " " + outcome);
    }

    private static void serve(ServerSocket server) {
        while (true) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> connection(s), "http-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** One connection: answers requests until one says how the connection is to end. */
    private static void connection(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String path = requestPath(in);
                if (path == null) {
                    return;
                }
                if (path.equals("/reset") || path.equals("SELECT")) {
                    s.setSoLinger(true, 0); // the close sends RST: the client's read fails with Connection reset
                    return;
                }
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (path.equals("/stale-first")) {
                    Thread.sleep(150); // a keep-alive timeout: the server closes the idle connection (FIN)
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    /** The request line's path, after reading the headers, or a query's first word; null at end of stream. */
    private static String requestPath(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            head.append((char) b);
            if (head.charAt(0) != 'G' && b == '\n') {
                return head.toString().split(" ")[0]; // a query line
            }
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString().split(" ")[1];
            }
        }
        return null;
    }

    /** A database client in miniature: a query written as a line, the answer read as a line. */
    public static final class DbClient implements AutoCloseable {

        private final Socket socket;

        DbClient(int port) throws IOException {
            socket = new Socket("localhost", port); // by name: its spans are told from the HTTP ones (127.0.0.1)
            socket.setSoTimeout(5000);
        }

        public String query(String sql) throws IOException {
            socket.getOutputStream().write((sql + "\n").getBytes(StandardCharsets.UTF_8));
            StringBuilder answer = new StringBuilder();
            for (int b; (b = socket.getInputStream().read()) != -1 && b != '\n'; ) {
                answer.append((char) b);
            }
            return answer.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The application's own OpenTelemetry SDK; loaded only in mode sdk, when its jars are on the class path. */
    private static final class OwnSdk implements Requests {

        private final Tracer tracer;

        OwnSdk() {
            SdkTracerProvider provider = SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
                        @Override
                        public CompletableResultCode export(Collection<SpanData> spans) {
                            for (SpanData s : spans) {
                                System.out.println("APP_SPAN " + s.getName() + " " + s.getTraceId() + " "
                                        + s.getSpanId());
                            }
                            return CompletableResultCode.ofSuccess();
                        }

                        @Override
                        public CompletableResultCode flush() {
                            return CompletableResultCode.ofSuccess();
                        }

                        @Override
                        public CompletableResultCode shutdown() {
                            return CompletableResultCode.ofSuccess();
                        }
                    })).build();
            tracer = provider.get("traced-http-scenarios");
        }

        @Override
        public String run(String name, Callable<String> request) throws Exception {
            Span span = tracer.spanBuilder("request " + name).setSpanKind(SpanKind.CLIENT).startSpan();
            try (Scope ignored = span.makeCurrent()) {
                return request.call();
            } finally {
                span.end();
            }
        }
    }
}

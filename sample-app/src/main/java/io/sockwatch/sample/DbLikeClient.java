package io.sockwatch.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A database client in miniature: one connection, a query written as a line, the answer read as a line. Knows nothing
 * of tracing; the demo has the OpenTelemetry Java agent trace {@link #query} by configuration
 * ({@code otel.instrumentation.methods.include}), as it traces a JDBC driver's calls.
 */
public final class DbLikeClient implements AutoCloseable {

    private final Socket socket;

    public DbLikeClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5000);
    }

    /** Sends {@code sql} and returns the server's one-line answer. */
    public String query(String sql) throws IOException {
        socket.getOutputStream().write((sql + "\n").getBytes(StandardCharsets.UTF_8));
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != -1 && b != '\n'; ) {
            line.append((char) b);
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package io.sockwatch.sample;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A hand-written HTTP/1.1 client over one persistent {@link Socket}, like a connection pool with a single
 * connection: every request reuses the same connection, with no check that the server still wants it.
 */
final class KeepAliveHttpClient implements Closeable {

    record Response(int status, String body) {
    }

    private final int port;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    KeepAliveHttpClient(int port) throws IOException {
        this.port = port;
        this.socket = Loopback.connect(port);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    int localPort() {
        return socket.getLocalPort();
    }

    Response get(String path) throws IOException {
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Connection: keep-alive\r\n"
                + "\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();

        String statusLine = readLine();
        if (statusLine == null) {
            // what pooled HTTP clients report as "server closed connection without response"
            throw new EOFException("the server closed the connection without a response");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int length = 0;
        for (String header; (header = readLine()) != null && !header.isEmpty(); ) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Integer.parseInt(header.substring(colon + 1).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("response body cut short");
        }
        return new Response(Integer.parseInt(parts[1]), new String(body, StandardCharsets.US_ASCII));
    }

    /** One CRLF-terminated line without its terminator, or null at end of stream before any byte. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                String s = line.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

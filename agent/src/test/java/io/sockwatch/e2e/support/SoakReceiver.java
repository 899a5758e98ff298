package io.sockwatch.e2e.support;

/** {@code SoakReceiver <port file>}: a counting OTLP receiver for bench/soak.py; prints the spans received each second. */
public final class SoakReceiver {

    private SoakReceiver() {
    }

    public static void main(String[] args) throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.counting()) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]), receiver.endpoint());
            while (true) {
                System.out.println("RECEIVED " + receiver.spanCount());
                Thread.sleep(1000);
            }
        }
    }
}

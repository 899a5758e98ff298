package io.sockwatch.e2e.scenarios;

/**
 * {@code Paced <millis> <scenario>...}: runs {@link SocketScenarios} with a pause after each, so that each one's
 * spans leave in a batch of their own, and the program is still running when the batch before has been exported.
 */
public final class Paced {

    private Paced() {
    }

    public static void main(String[] args) throws Exception {
        long pause = Long.parseLong(args[0]);
        for (int i = 1; i < args.length; i++) {
            SocketScenarios.run(args[i]);
            Thread.sleep(pause);
        }
    }
}

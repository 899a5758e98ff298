package io.sockwatch.realservers;

/**
 * The line a program under test prints per connection, for the test to pair it with its span and its packets:
 * {@code SCENARIO <scenario> role=<role> client_port=<p> server_port=<p> [key=value...]}. The client port is what
 * the server said it was (PostgreSQL's inet_client_port(), Redis' CLIENT INFO, nginx's $remote_port), or 0 when
 * every connection to that server port belongs to the scenario.
 */
final class Report {

    private Report() {
    }

    /** A program's scenarios, given its arguments. */
    interface Scenarios {
        void run(String[] args) throws Exception;
    }

    /**
     * Runs the scenarios, prints {@code MAIN_END}, and exits: a pool's or a server's threads would keep the JVM
     * alive. A failure prints its stack trace and exits 1.
     */
    static void runThenExit(Scenarios scenarios, String[] args) {
        try {
            scenarios.run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.out.println("MAIN_END " + System.currentTimeMillis());
        System.exit(0);
    }

    static void connection(String scenario, String role, int clientPort, int serverPort, String... extra) {
        StringBuilder sb = new StringBuilder("SCENARIO ").append(scenario).append(" role=").append(role)
                .append(" client_port=").append(clientPort).append(" server_port=").append(serverPort);
        for (String e : extra) {
            sb.append(' ').append(e.replace(' ', '_'));
        }
        System.out.println(sb);
    }
}

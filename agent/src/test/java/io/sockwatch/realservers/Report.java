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

    static void connection(String scenario, String role, int clientPort, int serverPort, String... extra) {
        StringBuilder sb = new StringBuilder("SCENARIO ").append(scenario).append(" role=").append(role)
                .append(" client_port=").append(clientPort).append(" server_port=").append(serverPort);
        for (String e : extra) {
            sb.append(' ').append(e.replace(' ', '_'));
        }
        System.out.println(sb);
    }
}

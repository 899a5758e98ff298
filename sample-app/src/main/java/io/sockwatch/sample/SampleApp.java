package io.sockwatch.sample;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Ends loopback connections on demand, the way real applications end them, and prints one line per scenario.
 *
 * <pre>
 *   java -jar sockwatch-sample-app.jar --list
 *   java -jar sockwatch-sample-app.jar --scenario all
 *   java -jar sockwatch-sample-app.jar --scenario peer_crash --scenario refused
 *   java -jar sockwatch-sample-app.jar --scenario all --linger 5
 * </pre>
 *
 * Exit status: 0 when every scenario reproduced what it is about, 1 when one did not (its line has an
 * {@code error} field), 2 for a usage error.
 */
public final class SampleApp {

    private SampleApp() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> traced = new LinkedHashSet<>();
        boolean list = false;
        long lingerSeconds = 0;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--list")) {
                list = true;
            } else if (arg.equals("--help") || arg.equals("-h")) {
                usage(out);
                return 0;
            } else if (arg.equals("--scenario") && i + 1 < args.length) {
                names.addAll(List.of(args[++i].split(",")));
            } else if (arg.equals("--traced") && i + 1 < args.length) {
                traced.addAll(List.of(args[++i].split(",")));
            } else if (arg.equals("--linger") && i + 1 < args.length && args[i + 1].matches("\\d{1,4}")) {
                lingerSeconds = Long.parseLong(args[++i]);
            } else if (arg.startsWith("--scenario=")) {
                names.addAll(List.of(arg.substring("--scenario=".length()).split(",")));
            } else {
                err.println("sample-app: unknown argument '" + arg + "'");
                usage(err);
                return 2;
            }
        }
        if (list) {
            for (Scenario s : Scenarios.all()) {
                out.printf("%-16s %s%s%n", s.name(), s.summary(), s.inAll() ? "" : " [not in 'all']");
            }
            return 0;
        }
        if (!traced.isEmpty()) {
            List<String> chosen = traced.contains("all") ? TracedRequests.NAMES : List.copyOf(traced);
            try {
                return TracedRequests.run(chosen, out) ? 0 : 1;
            } catch (IllegalArgumentException e) {
                err.println("sample-app: " + e.getMessage());
                return 2;
            } catch (Exception e) {
                err.println("sample-app: " + e);
                return 1;
            }
        }
        if (names.isEmpty()) {
            usage(err);
            return 2;
        }
        List<Scenario> chosen;
        try {
            chosen = select(names);
        } catch (IllegalArgumentException e) {
            err.println("sample-app: " + e.getMessage());
            return 2;
        }
        boolean allReproduced = true;
        for (Scenario scenario : chosen) {
            Outcome outcome = runOne(scenario);
            out.println(outcome.line());
            out.flush();
            allReproduced &= outcome.reproduced();
        }
        linger(lingerSeconds);
        return allReproduced ? 0 : 1;
    }

    /** Stays alive after the scenarios: long enough for a metrics scraper to see their counts (demo-metrics.sh). */
    private static void linger(long seconds) {
        try {
            Thread.sleep(seconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The scenarios named, in the order of {@link Scenarios#all()}; {@code all} stands for every one in it. */
    static List<Scenario> select(Set<String> names) {
        List<Scenario> chosen = new ArrayList<>();
        for (String name : names) {
            if (!name.equals("all") && Scenarios.named(name).isEmpty()) {
                throw new IllegalArgumentException("unknown scenario '" + name + "' (try --list)");
            }
        }
        for (Scenario s : Scenarios.all()) {
            if (names.contains(s.name()) || (names.contains("all") && s.inAll())) {
                chosen.add(s);
            }
        }
        return chosen;
    }

    static Outcome runOne(Scenario scenario) {
        try {
            return scenario.body().run();
        } catch (Exception e) {
            return new Outcome(scenario.name(), -1, -1, null, null, null, null, null, null,
                    Loopback.describe(e));
        }
    }

    private static void usage(PrintStream s) {
        s.println("usage: java -jar sockwatch-sample-app.jar --scenario NAME[,NAME...]|all [--scenario ...]");
        s.println("       java -jar sockwatch-sample-app.jar --list");
        s.println("       java -jar sockwatch-sample-app.jar --traced NAME[,NAME...]|all   (" + String.join(", ",
                TracedRequests.NAMES) + "; for the OpenTelemetry Java agent)");
        s.println("  --linger SECONDS  stay alive that long after the scenarios (for a metrics scraper)");
        s.println("Ends loopback connections (127.0.0.1, ephemeral ports) the way real applications do; prints");
        s.println("one line per scenario: scenario=NAME client_port=P server_port=P expect_client=ORIGIN"
                + " expect_server=ORIGIN client_api=API server_api=API client_saw=\"...\" server_saw=\"...\"");
    }
}

package io.sockwatch.sample;

/**
 * One way a connection ends.
 *
 * @param name    the name given to {@code --scenario}
 * @param summary one line for {@code --list}
 * @param inAll   whether {@code --scenario all} runs it
 * @param body    runs it and says what happened
 */
public record Scenario(String name, String summary, boolean inAll, Body body) {

    @FunctionalInterface
    public interface Body {
        Outcome run() throws Exception;
    }
}

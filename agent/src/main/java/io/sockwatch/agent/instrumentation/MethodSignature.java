package io.sockwatch.agent.instrumentation;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A method name and its exact parameter types, for checking that a JDK class still looks as expected. Types are
 * kept by name so that a parameter of a class the agent cannot reference (package-private in the JDK) can be named.
 */
public final class MethodSignature {

    private final String name;
    private final List<String> parameterTypeNames;

    public MethodSignature(String name, Class<?>... parameterTypes) {
        this(name, Arrays.stream(parameterTypes).map(Class::getName).toList());
    }

    private MethodSignature(String name, List<String> parameterTypeNames) {
        this.name = name;
        this.parameterTypeNames = List.copyOf(parameterTypeNames);
    }

    /** A signature whose parameter types are given by their binary names, such as {@code sun.security.ssl.Alert}. */
    public static MethodSignature withTypeNames(String name, String... parameterTypeNames) {
        return new MethodSignature(name, List.of(parameterTypeNames));
    }

    public String name() {
        return name;
    }

    public List<String> parameterTypeNames() {
        return parameterTypeNames;
    }

    @Override
    public String toString() {
        return name + parameterTypeNames.stream().map(MethodSignature::simpleName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    /** {@code [Ljava.nio.ByteBuffer;} as {@code ByteBuffer[]}, {@code sun.security.ssl.Alert} as {@code Alert}. */
    private static String simpleName(String binaryName) {
        String suffix = "";
        String n = binaryName;
        while (n.startsWith("[")) {
            suffix += "[]";
            n = n.substring(1);
        }
        if (n.startsWith("L") && n.endsWith(";")) {
            n = n.substring(1, n.length() - 1);
        }
        return n.substring(n.lastIndexOf('.') + 1) + suffix;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MethodSignature m && m.name.equals(name) && m.parameterTypeNames.equals(parameterTypeNames);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + parameterTypeNames.hashCode();
    }
}

package io.sockwatch.agent.instrumentation;

import java.util.Arrays;
import java.util.stream.Collectors;

/** A method name and its exact parameter types, for checking that a JDK class still looks as expected. */
public record MethodSignature(String name, Class<?>... parameterTypes) {

    boolean isDeclaredBy(Class<?> type) {
        try {
            type.getDeclaredMethod(name, parameterTypes);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name + Arrays.stream(parameterTypes).map(Class::getSimpleName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MethodSignature m && m.name.equals(name) && Arrays.equals(m.parameterTypes, parameterTypes);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(parameterTypes);
    }
}

package io.sockwatch.agent.instrumentation;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One row of a {@link TypeInstrumentation}: the advice woven into one method, named with its exact parameter types.
 * The same row is the shape check (the JDK class must have this method) and the Byte Buddy matcher (where the
 * advice goes, {@link RowMatchers}), so each method is written once.
 *
 * @param parameterTypes by name, never as classes, so that no JDK class is loaded to describe it and a package-private
 *                       type ({@code sun.security.ssl.Alert}) can be named: binary names, arrays as {@code byte[]}
 * @param value          what the advice's {@link RowValue} parameter is bound to here
 */
public record AdvisedMethod(Class<?> advice, String name, List<String> parameterTypes, int value) {

    public AdvisedMethod {
        parameterTypes = List.copyOf(parameterTypes);
    }

    /** {@code advise(Close.class, "close")}, {@code advise(Read.class, "read", "byte[]", "int", "int")}. */
    public static AdvisedMethod advise(Class<?> advice, String name, String... parameterTypes) {
        return new AdvisedMethod(advice, name, List.of(parameterTypes), 0);
    }

    /** This row with its advice's {@link RowValue} bound to {@code value}. */
    public AdvisedMethod with(int value) {
        return new AdvisedMethod(advice, name, parameterTypes, value);
    }

    /** The name a row gives a constructor: {@code advise(Opened.class, CONSTRUCTOR, "int")}. */
    public static final String CONSTRUCTOR = "<init>";

    /** {@code read(ByteBuffer[],int,int)}, {@code fatal(Alert,String,boolean,Throwable)}: for the report. */
    @Override
    public String toString() {
        return name + parameterTypes.stream().map(t -> t.substring(t.lastIndexOf('.') + 1))
                .collect(Collectors.joining(",", "(", ")"));
    }
}

package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.util.List;
import java.util.stream.Collectors;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One row of a {@link TypeInstrumentation}: the advice woven into one method, named with its exact parameter types.
 * The same row is the shape check (the JDK class must have this method) and the Byte Buddy matcher (where the
 * advice goes), so each method is written once.
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

    /** The declared method this row names, compared by type names: matching never loads the JDK class. */
    public ElementMatcher.Junction<MethodDescription> matcher() {
        ElementMatcher.Junction<MethodDescription> byName =
                name.equals(CONSTRUCTOR) ? isConstructor() : named(name);
        return byName.and(new ParameterTypes(parameterTypes));
    }

    /** The library whose classes are also matched shaded ({@link TypeInstrumentation#relocatable()}). */
    private static final String RELOCATED_LIBRARY = "io.netty.";

    /** A class rather than a lambda: each lambda costs a class spun at agent start. */
    private static final class ParameterTypes extends ElementMatcher.Junction.AbstractBase<MethodDescription> {
        private final List<String> names;

        ParameterTypes(List<String> names) {
            this.names = names;
        }

        @Override
        public boolean matches(MethodDescription method) {
            List<TypeDescription> types = method.getParameters().asTypeList().asErasures();
            if (types.size() != names.size()) {
                return false;
            }
            for (int i = 0; i < types.size(); i++) {
                if (!sameType(types.get(i).getActualName(), names.get(i))) {
                    return false;
                }
            }
            return true;
        }

        /** A Netty type is itself under any package prefix a library shaded it with, as its class is. */
        private static boolean sameType(String actual, String named) {
            return actual.equals(named) || named.startsWith(RELOCATED_LIBRARY) && actual.endsWith("." + named);
        }
    }

    /** {@code read(ByteBuffer[],int,int)}, {@code fatal(Alert,String,boolean,Throwable)}: for the report. */
    @Override
    public String toString() {
        return name + parameterTypes.stream().map(t -> t.substring(t.lastIndexOf('.') + 1))
                .collect(Collectors.joining(",", "(", ")"));
    }
}

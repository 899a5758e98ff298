package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
import net.bytebuddy.implementation.bytecode.constant.TextConstant;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The rows of a {@link TypeInstrumentation} in Byte Buddy's terms: which classes and methods they match, what a class
 * lacks of them, and their advice. Kept apart from the rows themselves, so that a start whose woven classes all come
 * from the cache loads no Byte Buddy class at all, not even an interface.
 */
final class RowMatchers {

    /** The library whose classes are also matched shaded ({@link TypeInstrumentation#relocatable()}). */
    private static final String RELOCATED_LIBRARY = "io.netty.";

    private RowMatchers() {
    }

    /** Which classes are {@code type}: by exact name, or, for a relocatable class, also by the name's end. */
    static ElementMatcher.Junction<TypeDescription> typeMatcher(TypeInstrumentation type) {
        return type.relocatable() ? named(type.typeName()).or(nameEndsWith("." + type.typeName()))
                : named(type.typeName());
    }

    /** The declared method {@code row} names, compared by type names: matching never loads the JDK class. */
    static ElementMatcher.Junction<MethodDescription> matcher(AdvisedMethod row) {
        ElementMatcher.Junction<MethodDescription> byName =
                row.name().equals(AdvisedMethod.CONSTRUCTOR) ? isConstructor() : named(row.name());
        return byName.and(new ParameterTypes(row.parameterTypes()));
    }

    /** The methods and fields {@code description} lacks of {@code type}, for the report; empty when as expected. */
    static List<String> missingFrom(TypeInstrumentation type, TypeDescription description) {
        List<String> missing = new ArrayList<>();
        for (AdvisedMethod m : type.methods()) {
            if (description.getDeclaredMethods().filter(matcher(m)).isEmpty()) {
                missing.add(m.toString());
            }
        }
        for (String field : type.requiredFields()) {
            if (description.getDeclaredFields().filter(named(field)).isEmpty()) {
                missing.add("field " + field);
            }
        }
        return missing;
    }

    /** The advice of {@code type}, one Byte Buddy advice per advice class and row value, over all the methods it serves. */
    static AsmVisitorWrapper advice(TypeInstrumentation type, String api) {
        Map<Class<?>, Map<Integer, ElementMatcher.Junction<MethodDescription>>> methodsByAdvice = new LinkedHashMap<>();
        for (AdvisedMethod m : type.methods()) {
            Map<Integer, ElementMatcher.Junction<MethodDescription>> byValue = methodsByAdvice.get(m.advice());
            if (byValue == null) {
                byValue = new LinkedHashMap<>();
                methodsByAdvice.put(m.advice(), byValue);
            }
            ElementMatcher.Junction<MethodDescription> others = byValue.get(m.value());
            byValue.put(m.value(), others == null ? matcher(m) : others.or(matcher(m)));
        }
        List<AsmVisitorWrapper> wrappers = new ArrayList<>();
        for (Map.Entry<Class<?>, Map<Integer, ElementMatcher.Junction<MethodDescription>>> advice
                : methodsByAdvice.entrySet()) {
            for (Map.Entry<Integer, ElementMatcher.Junction<MethodDescription>> e : advice.getValue().entrySet()) {
                // As stack manipulations: binding plain values would build Byte Buddy's constant dispatchers (a proxy).
                wrappers.add(Advice.withCustomMapping()
                        .bind(ModuleApi.class, new TextConstant(api), String.class)
                        .bind(RowValue.class, IntegerConstant.forValue(e.getKey()), int.class)
                        .to(advice.getKey()).on(e.getValue()));
            }
        }
        return new AsmVisitorWrapper.Compound(wrappers);
    }

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
}

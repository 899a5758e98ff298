package io.sockwatch.agent.instrumentation;

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
 * One class that sockwatch instruments: its name (it is never referenced as a type, most are not exported), the
 * methods it must have with the advice for each, and the fields that advice reads.
 *
 * @param relocatable a library class that other libraries shade under a package prefix of their own
 *                    ({@code io.grpc.netty.shaded.io.netty...}): matched under any prefix, in any class loader
 */
public record TypeInstrumentation(String typeName, List<AdvisedMethod> methods, List<String> requiredFields,
                                  boolean relocatable) {

    public TypeInstrumentation {
        methods = List.copyOf(methods);
        requiredFields = List.copyOf(requiredFields);
    }

    public static TypeInstrumentation of(String typeName, AdvisedMethod... methods) {
        return of(typeName, List.of(), methods);
    }

    /** Rows that several classes share (those of a common superclass's API), then this class's own. */
    public static TypeInstrumentation of(String typeName, List<AdvisedMethod> shared, AdvisedMethod... methods) {
        List<AdvisedMethod> all = new ArrayList<>(shared);
        all.addAll(List.of(methods));
        return new TypeInstrumentation(typeName, all, List.of(), false);
    }

    /** Fields the advice reads, by name; their absence makes the class unsupported. */
    public TypeInstrumentation readingFields(String... fields) {
        return new TypeInstrumentation(typeName, methods, List.of(fields), relocatable);
    }

    /** This class also under any package prefix (see {@code relocatable}). */
    public TypeInstrumentation underAnyPrefix() {
        return new TypeInstrumentation(typeName, methods, requiredFields, true);
    }

    /** Which classes are this one: by exact name, or, for a relocatable class, also by the name's end. */
    public ElementMatcher.Junction<TypeDescription> typeMatcher() {
        return relocatable ? named(typeName).or(nameEndsWith("." + typeName)) : named(typeName);
    }

    /** The package prefix a relocated copy of this class was given ({@code ""} for the class itself). */
    public String prefixOf(String actualName) {
        return actualName.endsWith(typeName) ? actualName.substring(0, actualName.length() - typeName.length()) : "";
    }

    /** The methods and fields {@code type} lacks, described for the report; empty when it is as expected. */
    public List<String> missingFrom(TypeDescription type) {
        List<String> missing = new ArrayList<>();
        for (AdvisedMethod m : methods) {
            if (type.getDeclaredMethods().filter(m.matcher()).isEmpty()) {
                missing.add(m.toString());
            }
        }
        for (String field : requiredFields) {
            if (type.getDeclaredFields().filter(named(field)).isEmpty()) {
                missing.add("field " + field);
            }
        }
        return missing;
    }

    /** The advice, one Byte Buddy advice per advice class and row value, over all the methods it serves. */
    AsmVisitorWrapper advice(String api) {
        Map<Class<?>, Map<Integer, ElementMatcher.Junction<MethodDescription>>> methodsByAdvice = new LinkedHashMap<>();
        for (AdvisedMethod m : methods) {
            Map<Integer, ElementMatcher.Junction<MethodDescription>> byValue = methodsByAdvice.get(m.advice());
            if (byValue == null) {
                byValue = new LinkedHashMap<>();
                methodsByAdvice.put(m.advice(), byValue);
            }
            ElementMatcher.Junction<MethodDescription> others = byValue.get(m.value());
            byValue.put(m.value(), others == null ? m.matcher() : others.or(m.matcher()));
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
}

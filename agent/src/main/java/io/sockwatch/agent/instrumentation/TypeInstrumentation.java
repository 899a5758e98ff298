package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;

import io.sockwatch.agent.tracker.ConnectionTracker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One class that sockwatch instruments: its name (it is never referenced as a type, most are not exported), the
 * methods it must have with the advice for each, and the fields that advice reads.
 *
 * @param whenWoven told when the advice is woven into the class, that is when its shape matched
 */
public record TypeInstrumentation(String typeName, List<AdvisedMethod> methods, List<String> requiredFields,
                                  Consumer<ConnectionTracker> whenWoven) {

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
        return new TypeInstrumentation(typeName, all, List.of(), tracker -> {
        });
    }

    /** Fields the advice reads, by name; their absence makes the class unsupported. */
    public TypeInstrumentation readingFields(String... fields) {
        return new TypeInstrumentation(typeName, methods, List.of(fields), whenWoven);
    }

    public TypeInstrumentation whenWoven(Consumer<ConnectionTracker> action) {
        return new TypeInstrumentation(typeName, methods, requiredFields, action);
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

    /** The advice, one Byte Buddy advice per advice class over all the methods it serves. */
    AsmVisitorWrapper advice(String api) {
        Map<Class<?>, ElementMatcher.Junction<MethodDescription>> methodsByAdvice = new LinkedHashMap<>();
        for (AdvisedMethod m : methods) {
            methodsByAdvice.merge(m.advice(), m.matcher(), ElementMatcher.Junction::or);
        }
        Advice.WithCustomMapping mapping = Advice.withCustomMapping().bind(ModuleApi.class, api);
        List<AsmVisitorWrapper> wrappers = new ArrayList<>();
        methodsByAdvice.forEach((advice, on) -> wrappers.add(mapping.to(advice).on(on)));
        return new AsmVisitorWrapper.Compound(wrappers);
    }
}

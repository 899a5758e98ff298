package io.sockwatch.agent.instrumentation;

import java.util.ArrayList;
import java.util.List;

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

    /** The package prefix a relocated copy of this class was given ({@code ""} for the class itself). */
    public String prefixOf(String actualName) {
        return actualName.endsWith(typeName) ? actualName.substring(0, actualName.length() - typeName.length()) : "";
    }
}

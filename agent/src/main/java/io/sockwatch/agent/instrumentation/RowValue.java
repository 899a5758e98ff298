package io.sockwatch.agent.instrumentation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On an {@code int} parameter of an advice method: the value of the {@link AdvisedMethod} row that wove it
 * ({@code advise(...).with(value)}, 0 otherwise), bound by the installer as a constant. One advice serves methods
 * that differ only by what they report (which asynchronous operation a method completes), instead of one copy each.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface RowValue {
}

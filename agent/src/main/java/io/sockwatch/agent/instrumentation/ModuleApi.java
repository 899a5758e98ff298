package io.sockwatch.agent.instrumentation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@code String} parameter of an advice method: the {@code socket.api} of the module whose type the advice is
 * woven into, bound by the installer as a constant. Advice shared by two modules (the two SocketImpls) reports the
 * right one, and no advice spells an API name.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface ModuleApi {
}

package io.sockwatch.e2e.scenarios;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * An application that brings its own Byte Buddy and OpenTelemetry (older versions than the agent's) and registers
 * the global OpenTelemetry. Run with those jars on the class path; prints what it observed of its own libraries.
 */
public final class IsolatedApp {

    private IsolatedApp() {
    }

    public static void main(String[] args) throws Exception {
        String generated = new ByteBuddy().subclass(Object.class)
                .method(ElementMatchers.named("toString")).intercept(FixedValue.value("app-bytebuddy"))
                .make().load(IsolatedApp.class.getClassLoader()).getLoaded()
                .getDeclaredConstructor().newInstance().toString();
        String byteBuddyJar = ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation().getPath();

        List<SpanData> exported = new CopyOnWriteArrayList<>();
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
                    @Override
                    public CompletableResultCode export(Collection<SpanData> spans) {
                        exported.addAll(spans);
                        return CompletableResultCode.ofSuccess();
                    }

                    @Override
                    public CompletableResultCode flush() {
                        return CompletableResultCode.ofSuccess();
                    }

                    @Override
                    public CompletableResultCode shutdown() {
                        return CompletableResultCode.ofSuccess();
                    }
                })).build();
        // Throws if anyone (an agent) registered the global OpenTelemetry before the application.
        GlobalOpenTelemetry.set(new OpenTelemetry() {
            @Override
            public TracerProvider getTracerProvider() {
                return tracerProvider;
            }

            @Override
            public ContextPropagators getPropagators() {
                return ContextPropagators.noop();
            }
        });
        GlobalOpenTelemetry.getTracer("app").spanBuilder("app-span").startSpan().end();
        String otelJar = GlobalOpenTelemetry.class.getProtectionDomain().getCodeSource().getLocation().getPath();

        System.out.println("ISOLATION bytebuddy=" + generated + " bytebuddy_jar=" + byteBuddyJar
                + " otel_spans=" + exported.size() + " otel_span=" + exported.get(0).getName()
                + " otel_jar=" + otelJar);
        SocketScenarios.run("peer_fin");
    }
}

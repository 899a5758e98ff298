package io.sockwatch.agent.instrumentation;

import io.sockwatch.agent.instrumentation.async.AsynchronousChannelModule;
import io.sockwatch.agent.instrumentation.channel.SocketChannelModule;
import io.sockwatch.agent.instrumentation.netty.NettyIoUringModule;
import io.sockwatch.agent.instrumentation.netty.NettyNativeModule;
import io.sockwatch.agent.instrumentation.socket.NioSocketModule;
import io.sockwatch.agent.instrumentation.socket.PlainSocketModule;
import io.sockwatch.agent.instrumentation.tls.TlsModule;
import io.sockwatch.agent.tracker.ConnectionTracker;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs every {@link SocketModule}: registers how the tracker reads its sockets, then has each of its classes that
 * exists and looks as expected woven, when it is loaded or, if already loaded, at once (retransformed). What is
 * missing or different is reported once and left alone. Nothing here touches Byte Buddy: the
 * {@link WeavingTransformer} calls it only for classes the {@link WovenClassCache} does not hold.
 */
public final class AgentInstaller {

    private AgentInstaller() {
    }

    /** Every socket API sockwatch observes, in the order the debug line names them. */
    static List<SocketModule> modules() {
        return List.of(new NioSocketModule(), new SocketChannelModule(), new PlainSocketModule(), new TlsModule(),
                new AsynchronousChannelModule(), new NettyNativeModule(), new NettyIoUringModule());
    }

    /**
     * Installs the modules and returns the {@code socket.api} values now observed.
     *
     * @param cache null: no woven classes are kept between runs
     */
    public static Installed install(Instrumentation inst, ConnectionTracker tracker, WovenClassCache cache,
                                    boolean debug) {
        List<SocketModule> modules = modules();
        register(modules, tracker);
        List<String> apis = new ArrayList<>();
        for (SocketModule module : modules) {
            if (!module.isOptional() || module.isPresent()) {
                apis.add(module.api());
            }
        }
        if (apis.isEmpty()) {
            return new Installed(apis, inst, null);
        }
        WeavingTransformer transformer = new WeavingTransformer(modules, cache,
                () -> ByteBuddyWeaver.transformer(modules, tracker, debug), tracker, debug);
        // Registered before the loaded classes are listed: a class loaded meanwhile is woven as it loads.
        inst.addTransformer(transformer, true);
        Installed installed = new Installed(apis, inst, transformer);
        installed.retransformMissed();
        return installed;
    }

    /** The installed instrumentation: the {@code socket.api} values observed, and a late look at loaded classes. */
    public static final class Installed {
        private final List<String> apis;
        private final Instrumentation inst;
        private final WeavingTransformer transformer;

        Installed(List<String> apis, Instrumentation inst, WeavingTransformer transformer) {
            this.apis = List.copyOf(apis);
            this.inst = inst;
            this.transformer = transformer;
        }

        public List<String> apis() {
            return apis;
        }

        /**
         * Retransforms the target classes already loaded that the transformer was never given. Called once at
         * install and once a little later: a class still being loaded (by the export thread's HTTP client, which
         * starts before the instrumentation) while the transformer was installed is found by the second look.
         */
        public void retransformMissed() {
            if (transformer == null) {
                return;
            }
            for (Class<?> loaded : inst.getAllLoadedClasses()) {
                if (transformer.missed(loaded) && inst.isModifiableClass(loaded)) {
                    try {
                        inst.retransformClasses(loaded);
                    } catch (Throwable t) {
                        Unsupported.report("instrumenting " + loaded.getName() + " failed", t);
                    }
                }
            }
        }
    }

    /** Registers every module's inspectors (and the rest of what it reports through) with the tracker. */
    static void register(List<SocketModule> modules, ConnectionTracker tracker) {
        for (SocketModule module : modules) {
            module.register(tracker);
        }
    }
}

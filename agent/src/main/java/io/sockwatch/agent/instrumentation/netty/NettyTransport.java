package io.sockwatch.agent.instrumentation.netty;

/**
 * The Netty native transports whose connections are observed, and how each is told from the class of its socket
 * object (each transport has its own {@code LinuxSocket} subclass). kqueue's {@code BsdSocket} is neither: not
 * observed.
 */
enum NettyTransport {
    EPOLL("netty.epoll", ".channel.epoll."),
    IO_URING("netty.io_uring", ".channel.uring.");

    private final String api;
    private final String packageFragment;

    NettyTransport(String api, String packageFragment) {
        this.api = api;
        this.packageFragment = packageFragment;
    }

    String api() {
        return api;
    }

    /** The transport of a Netty socket object, by its class's package (shaded or not), or null. */
    static NettyTransport of(Object socket) {
        return ofClass(socket.getClass().getName());
    }

    static NettyTransport ofClass(String name) {
        for (NettyTransport t : values()) {
            if (name.contains(t.packageFragment)) {
                return t;
            }
        }
        return null;
    }
}

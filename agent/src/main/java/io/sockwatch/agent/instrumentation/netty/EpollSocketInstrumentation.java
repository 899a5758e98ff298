package io.sockwatch.agent.instrumentation.netty;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.TypeInstrumentation;

/**
 * epoll's own socket class ({@code io.netty.channel.epoll.LinuxSocket}, under any package prefix): the one write it
 * adds to Netty's unix socket, {@code sendfile(2)} of a {@code DefaultFileRegion}, which returns the bytes sent.
 * Stands alone: without it a file region's bytes are not counted, nothing else changes.
 */
final class EpollSocketInstrumentation {

    static final TypeInstrumentation TYPE = TypeInstrumentation.of("io.netty.channel.epoll.LinuxSocket",
            advise(FileDescriptorInstrumentation.WriteReturningCount.class, "sendFile",
                    "io.netty.channel.DefaultFileRegion", "long", "long", "long"))
            .underAnyPrefix();

    private EpollSocketInstrumentation() {
    }
}

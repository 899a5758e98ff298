package io.sockwatch.e2e.scenarios;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * gRPC-java on {@code grpc-netty-shaded}, the transport it picks by itself (its shaded epoll on Linux), one unary
 * call per connection, then an ending: the client's channel shut down, or the server's {@code shutdownNow}. Prints
 * {@code GRPC epoll=<what the shaded Epoll says>} first, then {@code SCENARIO <name> client_port=0 server_port=<p>}
 * (gRPC does not show the client's port: spans are paired by the server's).
 */
public final class GrpcScenarios {

    public static final List<String> ALL = List.of("grpc_channel_shutdown", "grpc_server_shutdown_now");

    /** Bytes in, bytes out: no protobuf needed. */
    static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("sockwatch.Echo/Echo")
            .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();

    private GrpcScenarios() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> epoll = Class.forName("io.grpc.netty.shaded.io.netty.channel.epoll.Epoll");
        System.out.println("GRPC epoll=" + epoll.getMethod("isAvailable").invoke(null));
        for (String name : args.length == 0 ? ALL : List.of(args)) {
            run(name);
        }
        System.exit(0);
    }

    static void run(String name) throws Exception {
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerServiceDefinition.builder("sockwatch.Echo")
                        .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                            response.onNext(request);
                            response.onCompleted();
                        })).build())
                .build().start();
        int port = server.getPort();
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create())
                .build();
        byte[] answer = ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, "hello".getBytes());
        System.out.println("  " + name + " answer " + new String(answer));
        if (name.equals("grpc_channel_shutdown")) {
            channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
            Thread.sleep(300);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } else {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            Thread.sleep(300);
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        Thread.sleep(200);
        System.out.println("SCENARIO " + name + " client_port=0 server_port=" + port);
    }
}

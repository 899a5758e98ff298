package io.sockwatch.e2e.scenarios;

import com.sun.tools.attach.VirtualMachine;

/**
 * Netty's epoll in use before the agent (its classes loaded, a connection made and closed), then the agent attached
 * to this JVM at run time: it must retransform Netty's already loaded socket classes. The scenario before the attach
 * is not observed; the one after is, on both sides.
 */
public final class NettyAttach {

    private NettyAttach() {
    }

    public static void main(String[] args) throws Exception {
        NettyNativeScenarios.runOn("epoll", "client_close"); // before the agent: not observed
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(args[0]);
        } finally {
            vm.detach();
        }
        NettyNativeScenarios.runOn("epoll", "server_reset");
        System.exit(0);
    }
}

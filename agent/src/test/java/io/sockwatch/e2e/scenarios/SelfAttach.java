package io.sockwatch.e2e.scenarios;

import com.sun.tools.attach.VirtualMachine;

/**
 * Uses sockets (so the JDK socket classes are loaded and in use), then attaches the agent to itself at run time:
 * the agent must retransform the already loaded classes.
 */
public final class SelfAttach {

    private SelfAttach() {
    }

    public static void main(String[] args) throws Exception {
        SocketScenarios.run("peer_fin"); // before the agent: not observed
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(args[0], args.length > 1 ? args[1] : null);
        } finally {
            vm.detach();
        }
        SocketScenarios.run("linger_reset");
        ChannelScenarios.run("peer_fin");
    }
}

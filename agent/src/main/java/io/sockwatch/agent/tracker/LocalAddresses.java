package io.sockwatch.agent.tracker;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance per local IP address. The JDK returns a new InetAddress each time a socket's local address
 * is read; a host has only a handful of them, and keeping one per tracked connection cost about 56 bytes each.
 */
final class LocalAddresses {

    /** Beyond this many distinct addresses (an unusual host), addresses are kept per connection as they come. */
    private static final int MAX_SHARED = 256;

    private static final ConcurrentHashMap<InetAddress, InetAddress> SHARED = new ConcurrentHashMap<>();

    private LocalAddresses() {
    }

    static InetAddress intern(InetAddress address) {
        // Inet6Address.equals ignores the scope: two link-local addresses on different interfaces would merge.
        if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            return address;
        }
        InetAddress shared = SHARED.get(address);
        if (shared != null) {
            return shared;
        }
        if (SHARED.size() >= MAX_SHARED) {
            return address;
        }
        shared = SHARED.putIfAbsent(address, address);
        return shared == null ? address : shared;
    }
}

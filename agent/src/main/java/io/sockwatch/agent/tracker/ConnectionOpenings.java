package io.sockwatch.agent.tracker;

import io.sockwatch.agent.classify.Failure;
import io.sockwatch.agent.classify.FailureTable;
import io.sockwatch.agent.classify.Operation;
import io.sockwatch.agent.tracker.EndingStateMachine.Effect;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * The opening of a connection: connect (blocking, non-blocking, asynchronous) and accept, and the failed accepts
 * worth a report. Each runs on the thread that made the call. A connection opens here and goes on in
 * {@link ConnectionSignals}; a connect that failed ends here.
 */
final class ConnectionOpenings {

    /**
     * Stands for the connecting thread of an asynchronous connect, which no thread waits in (the JDK completes it
     * wherever its event handling runs): never the current thread, so any close is the application's; and not
     * null, which is what a connect that is no longer pending has.
     */
    private static final Thread NO_THREAD = new Thread("sockwatch: no thread waits in an asynchronous connect");

    private final TrackerSettings settings;
    private final ConnectionTable table;
    private final Inspectors inspectors;
    private final ConnectionEnder ender;
    private final EventAttributes events;
    private final MidLife midLife;
    private final ApplicationTraces traces;

    ConnectionOpenings(TrackerSettings settings, ConnectionTable table, Inspectors inspectors, ConnectionEnder ender,
                       MidLife midLife, ApplicationTraces traces) {
        this.settings = settings;
        this.table = table;
        this.inspectors = inspectors;
        this.ender = ender;
        this.events = new EventAttributes(settings.callSiteDepth());
        this.midLife = midLife;
        this.traces = traces;
    }

    /**
     * A connect starts; {@code remote == null} means a pending non-blocking connect continues (finishConnect) on
     * the current thread.
     */
    void connectStarted(Object socket, Object remote, String api) {
        if (remote == null) {
            ConnectionState pending = table.get(socket);
            if (pending != null) {
                synchronized (pending) {
                    if (pending.connectingThread != null) { // a connect is pending
                        pending.connectingThread = Thread.currentThread();
                    }
                }
            }
            return;
        }
        startConnect(socket, remote, api, Thread.currentThread());
    }

    void asyncConnectStarted(Object channel, Object remote, String api) {
        if (remote != null) {
            startConnect(channel, remote, api, NO_THREAD);
        }
    }

    private void startConnect(Object socket, Object remote, String api, Thread connecting) {
        if (ender.isStopped()) {
            return;
        }
        if (AgentWork.isActive() || traces.isOtherAgentsExport()) {
            midLife.ignore(socket);
            return;
        }
        if (table.get(socket) != null) {
            // connect() on a socket that is connected, connecting or closed fails (AlreadyConnectedException,
            // ConnectionPendingException, "Already connected", "Socket is closed") without touching the
            // connection: its span goes on. A connect that failed has already ended and left the table.
            return;
        }
        String host = null;
        int port = 0;
        SocketAddress peer = null;
        if (remote instanceof InetSocketAddress isa) {
            host = isa.getHostString();
            port = isa.getPort();
            peer = isa.isUnresolved() ? null : isa;
            if (settings.excluded().excludes(host, isa.getAddress(), port)) {
                midLife.ignore(socket);
                return;
            }
        } else if (remote instanceof UnixDomainSocketAddress path) {
            peer = path;
            host = path.getPath().toString(); // what the application asked for: the socket file
        } else if (remote instanceof SocketAddress other) {
            peer = other;
        }
        ConnectionState state = new ConnectionState(api, Role.CLIENT, System.nanoTime(), host, port);
        Object span = traces.currentSpan(); // also for an asynchronous connect: this is the thread that asked
        synchronized (state) {
            state.openedIn = span;
            state.setPeer(peer);
            state.connectingThread = connecting;
            recordOpenSite(state);
        }
        table.put(socket, state);
    }

    void connectEnded(Object socket, Throwable failure) {
        ConnectionState state = table.get(socket);
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        Failure f = failure == null ? null
                : FailureTable.classify(Operation.CONNECT, failure, inspectors.errno(state, failure));
        boolean ended = false;
        synchronized (state) {
            if (state.connectingThread == null) {
                return; // finishConnect on a connected channel
            }
            state.connectingThread = null;
            state.lastIoNanos = now;
            state.connectEndNanos = now;
            if (failure == null) {
                inspectors.fillAddresses(state, socket);
            } else {
                state.addEvent("exception", now, EventAttributes.exception(failure));
                Effect effect = state.ending().onFailure(Operation.CONNECT, f, failure.getClass().getName());
                if (effect == Effect.DECIDED) {
                    state.endingDetected(traces.currentSpan(), now);
                }
                // The JDK closes a socket whose connect failed: the attempt is over.
                ended = effect == Effect.DECIDED || state.isEndingDecided();
            }
        }
        if (ended) {
            ender.endNow(state, now);
        } else if (failure == null) {
            ender.opened(state);
        }
    }

    void acceptEnded(Object listenerSocket, Object socket, Throwable failure, String api) {
        if (ender.isStopped()) {
            return;
        }
        if (AgentWork.isActive()) {
            if (socket != null) {
                midLife.ignore(socket);
            }
            return;
        }
        if (failure != null) {
            acceptFailed(listenerSocket, failure, api);
            return;
        }
        if (socket == null) {
            return;
        }
        SocketInspector inspector = inspectors.of(api);
        SocketAddress peer = inspector == null ? null : inspector.peer(socket);
        if (peer instanceof InetSocketAddress isa
                && settings.excluded().excludes(null, isa.getAddress(), isa.getPort())) {
            midLife.ignore(socket);
            return;
        }
        SocketAddress local = inspector == null ? null : inspector.local(socket);
        if (local instanceof InetSocketAddress own && !settings.ownServerPorts().isEmpty()
                && settings.ownServerPorts().contains(own.getPort())) { // no boxing unless sockwatch serves a port
            return; // a scrape of sockwatch's own metrics endpoint
        }
        ConnectionState state = new ConnectionState(api, Role.SERVER, System.nanoTime(), null, 0);
        Object span = traces.currentSpan();
        synchronized (state) {
            state.openedIn = span;
            state.setPeer(peer);
            state.setLocal(local);
            recordOpenSite(state);
        }
        table.put(socket, state);
        ender.opened(state);
    }

    /** Where the application opened the connection, when sockwatch.open.callsite is on (leak hunting). */
    private void recordOpenSite(ConnectionState state) {
        if (settings.openCallSite()) {
            state.addEvent("socket.open", System.nanoTime(), events.onThisThread(true));
        }
    }

    /**
     * A failed accept ends no connection, but a listener closed under a blocked accept, or one that cannot accept
     * (out of file descriptors), is worth a report of its own. Accept timeouts are routine polling and are not.
     */
    private void acceptFailed(Object listenerSocket, Throwable failure, String api) {
        SocketInspector listenerInspector = inspectors.of(api);
        Failure f = FailureTable.classify(Operation.ACCEPT, failure,
                listenerInspector == null ? 0 : listenerInspector.errno(failure));
        if (!f.terminal()) {
            return;
        }
        long now = System.nanoTime();
        ConnectionState state = new ConnectionState(api, Role.LISTENER, now, null, 0);
        synchronized (state) {
            SocketInspector inspector = inspectors.of(api);
            try {
                state.setLocal(inspector == null ? null : inspector.local(listenerSocket));
            } catch (RuntimeException notThisKind) {
                state.setLocal(null); // the inspector reads connections; a listener may not have those fields
            }
            state.ending().onFailure(Operation.ACCEPT, f, failure.getClass().getName());
            state.addEvent("exception", now, EventAttributes.exception(failure));
            state.addEvent("socket.accept_failed", now, events.onThisThread(false));
        }
        ender.endNow(state, now);
    }
}

package io.sockwatch.realservers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedSpan;
import io.sockwatch.e2e.support.ScenarioLine;
import io.sockwatch.e2e.support.ScenarioRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lettuce 7.7 on Netty 4.2.18's epoll against a real Redis: a connection Redis kills is the client's peer_fin, read
 * as it arrives; a connection the program closes is its local_close. Only the client side is Java.
 */
class LettuceIT {

    /** scenario → origin/reason/detected_by of the client's span. */
    private static final Map<String, String> EXPECTED = Map.of(
            "lettuce_client_kill", "peer_fin/eof/read",
            "lettuce_close", "local_close/close/close");

    @RegisterExtension
    static final OtlpReceiver receiver = OtlpReceiver.forTheClass();

    private static LoopbackServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = Redis.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @TestFactory
    List<DynamicNode> lettuceOnItsDefaultEpoll() throws Exception {
        return Jdks.each((jdk, version) -> {
            String label = "JDK " + version + " Lettuce";
            AgentJvm jvm = new AgentJvm(jdk).withCopiedLibraries("-lettuce");
            ScenarioRun run = ScenarioRun.run(jvm, receiver, label, LettuceClients.class, lines -> lines.size(),
                    Integer.toString(redis.port()));
            String why = run.spans().diagnostics() + "\n--- redis ---\n" + redis.log();
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(dynamicTest("Lettuce chose epoll", () ->
                    assertEquals(List.of("LETTUCE epoll=true"), run.result().lines("LETTUCE "), why)));
            tests.add(run.ran(EXPECTED.size()));
            for (ScenarioLine line : run.lines()) {
                tests.add(dynamicTest(line.name() + ": client", () -> {
                    List<ReceivedSpan> clients = run.spans().clients(line.clientPort(), line.serverPort());
                    assertEquals(1, clients.size(), why);
                    ReceivedSpan span = clients.get(0);
                    ScenarioRun.checkLoopbackTcp(span, why);
                    assertEquals("CLIENT", span.kind(), span + why);
                    assertEquals("netty.epoll", span.string("socket.api"), span + why);
                    assertEquals(EXPECTED.get(line.name()), span.string("socket.close.origin") + "/"
                            + span.string("socket.close.reason") + "/" + span.string("socket.close.detected_by"),
                            span + why);
                    assertEquals("UNSET", span.status(), span + why);
                    assertTrue(span.number("socket.bytes.read") > 0 && span.number("socket.bytes.written") > 0,
                            span + why);
                }));
            }
            return List.of(dynamicContainer(label, tests));
        });
    }
}

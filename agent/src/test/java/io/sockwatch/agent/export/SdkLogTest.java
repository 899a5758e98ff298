package io.sockwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The SDK's and OkHttp's loggers are quieted from one root, relocated or not. */
class SdkLogTest {

    @Test
    void relocatedTheRootIsTheRelocationPrefixSoOkHttpIsCoveredToo() {
        assertEquals("io.sockwatch.shaded", SdkLog.loggerRoot("io.sockwatch.shaded.io.opentelemetry.api"));
    }

    @Test
    void unrelocatedTheRootIsTheSdksOwnPackage() {
        assertEquals("io.opentelemetry", SdkLog.loggerRoot("io.opentelemetry.api"));
    }
}

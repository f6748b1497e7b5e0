package dev.rcpat.testing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSecretScanTest {

    @Test
    void aCodeIsFoundAsANumberOfItsOwn() {
        assertTrue(LogSecretScan.appears("123456", "{\"code\":\"123456\"}"));
        assertTrue(LogSecretScan.appears("123456", "{\"code\":123456}"));
        assertTrue(LogSecretScan.appears("123456", "x 9123456 then 123456"));
    }

    @Test
    void aCodeInsideALongerNumberIsACoincidence() {
        assertFalse(LogSecretScan.appears("123456", "{\"Timestamp\":17961234567,\"requestId\":\"req--91234560\"}"));
    }

    @Test
    void otherSecretsAreFoundAnywhere() {
        assertTrue(LogSecretScan.appears("abc123", "xxabc123yy"));
    }
}

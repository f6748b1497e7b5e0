package dev.rcpat.local.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The rule and the arithmetic that turn the benchmark's memory sizes into the login function's size. */
class MemorySizingTest {

    private static MemorySizing.Size size(int memoryMb, double loginP50) {
        return new MemorySizing.Size(memoryMb, "", List.of(), List.of(), List.of(), Map.of("p50", loginP50), Map.of());
    }

    @Test
    void theSmallestSizeWithinTenPercentOfTheFastestIsChosen() {
        assertEquals(1769, MemorySizing.choose(List.of(size(512, 450), size(1024, 220), size(1536, 170),
                size(1769, 150), size(2048, 140))));
        assertEquals(1536, MemorySizing.choose(List.of(size(1024, 220), size(1536, 153), size(2048, 140))),
                "153 is within 10 % of 140");
        assertEquals(1024, MemorySizing.choose(List.of(size(2048, 20), size(1024, 21))), "order does not matter");
    }

    @Test
    void aMillionRequestsCostTheirBilledMillisecondsAndTheRequestCharge() {
        // 1,000,000 × 0.150 s × 1 GB × $0.0000166667 + $0.20
        assertEquals(2.700005, MemorySizing.dollarsPerMillion(150.0, 1024), 1e-9);
        // billed by the started millisecond: 149.2 ms is billed as 150 ms
        assertEquals(MemorySizing.dollarsPerMillion(150.0, 1769), MemorySizing.dollarsPerMillion(149.2, 1769), 1e-12);
    }

    @Test
    void theLoginFunctionsOwnMemorySizeIsReadFromTheTemplate() throws Exception {
        int own = MemorySizing.templateLoginMemory(Path.of("template.yaml"));
        assertEquals(MemorySizing.ONE_VCPU_MB, own, "docs/benchmarks.md, \"Memory size of the login function\"");
    }

    @Test
    void aCappedChildMovesItselfIntoTheGroupBeforeBecomingTheCommand() throws Exception {
        CpuCap.Result made = CpuCap.create("rcpat-test-" + ProcessHandle.current().pid(), 0.5);
        if (made.cap().isEmpty()) {
            assertEquals(false, made.whyNot().isEmpty(), "without a cap it says why");
            return;
        }
        try (CpuCap cap = made.cap().get()) {
            List<String> wrapped = cap.wrap(List.of("/bin/cat", "/proc/self/cgroup"));
            assertEquals(List.of("/bin/sh", "-c"), wrapped.subList(0, 2));
            assertEquals(List.of("sh", "/bin/cat", "/proc/self/cgroup"), wrapped.subList(3, 6));
            Process p = new ProcessBuilder(wrapped).redirectErrorStream(true).start();
            String groups = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), groups);
            assertEquals(true, groups.contains("rcpat-test-" + ProcessHandle.current().pid()), groups);
        }
    }
}

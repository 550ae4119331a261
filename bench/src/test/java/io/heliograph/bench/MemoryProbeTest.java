package io.heliograph.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class MemoryProbeTest {

    @Test
    void parallelGcHeapIsYoungPlusOldGeneration() {
        String info = """
                12345:
                 PSYoungGen      total 76288K, used 3754K [0x00000000eab00000, 0x00000000f0000000, 0x0000000100000000)
                  eden space 65536K, 5% used [0x00000000eab00000,0x00000000eaeaa8f8,0x00000000eeb00000)
                 ParOldGen       total 175104K, used 11533K [0x00000000c0000000, 0x00000000cab00000, 0x00000000eab00000)
                  object space 175104K, 6% used [0x00000000c0000000,0x00000000c0b43528,0x00000000cab00000)
                 Metaspace       used 45000K, committed 45500K, reserved 1089536K
                """;
        assertThat(MemoryProbe.usedKiB(Optional.of(info))).isEqualTo(3754 + 11533);
    }

    @Test
    void g1HeapIsItsOneSummaryLineAndMetaspaceIsNotHeap() {
        String info = """
                12345:
                 garbage-first heap   total 262144K, used 20480K [0x00000000c0000000, 0x0000000100000000)
                  region size 1024K, 1 young (1024K), 0 survivors (0K)
                 Metaspace       used 45000K, committed 45500K, reserved 1089536K
                """;
        assertThat(MemoryProbe.usedKiB(Optional.of(info))).isEqualTo(20480);
    }

    @Test
    void noReadingIsMinusOne() {
        assertThat(MemoryProbe.usedKiB(Optional.empty())).isEqualTo(-1);
        assertThat(MemoryProbe.usedKiB(Optional.of("12345:\nno heap here"))).isEqualTo(-1);
    }
}

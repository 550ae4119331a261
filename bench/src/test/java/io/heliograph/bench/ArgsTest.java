package io.heliograph.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void readsSpaceAndEqualsFormsAndFlags() {
        Args args = new Args(new String[] {"compare", "--rounds", "5", "--workloads=w1,w2", "--gc",
                "--server-jvm-flags", "-Xmx2g -XX:+UseG1GC"}, 1);
        assertThat(args.integer("rounds", 3, 1, 10)).isEqualTo(5);
        assertThat(args.string("workloads", "")).isEqualTo("w1,w2");
        assertThat(args.flag("gc")).isTrue();
        // A value may start with a single dash: JVM flags are values, not options.
        assertThat(args.string("server-jvm-flags", "")).isEqualTo("-Xmx2g -XX:+UseG1GC");
        args.refuseUnknown();
    }

    @Test
    void defaultsApplyAndUnderscoresSeparateThousands() {
        Args args = new Args(new String[] {"--connections", "10_000"}, 0);
        assertThat(args.integer("connections", 1, 1, 20_000)).isEqualTo(10_000);
        assertThat(args.integer("rate", 200, 1, 1000)).isEqualTo(200);
        assertThat(args.flag("memory")).isFalse();
    }

    @Test
    void anOptionNobodyReadIsRefusedByName() {
        Args args = new Args(new String[] {"--rounds", "3", "--rouns", "4"}, 0);
        args.integer("rounds", 3, 1, 10);
        assertThatThrownBy(args::refuseUnknown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rouns");
    }

    @Test
    void outOfRangeAndNonNumbersAreClearErrors() {
        assertThatThrownBy(() -> new Args(new String[] {"--rounds", "0"}, 0).integer("rounds", 3, 1, 10))
                .hasMessage("--rounds must be in 1..10, got 0");
        assertThatThrownBy(() -> new Args(new String[] {"--rounds", "three"}, 0).integer("rounds", 3, 1, 10))
                .hasMessage("--rounds must be a whole number, got 'three'");
        assertThatThrownBy(() -> new Args(new String[] {"w1"}, 0)).hasMessage("unexpected argument 'w1'");
    }
}

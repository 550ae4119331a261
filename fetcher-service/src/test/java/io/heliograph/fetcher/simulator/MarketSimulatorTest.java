package io.heliograph.fetcher.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.heliograph.fetcher.summary.DashboardSummary;

class MarketSimulatorTest {

    static final List<String> SYMBOLS = List.of("BTC/USD", "ETH/USD", "AAPL", "SPY", "EUR/USD");

    @Test
    void aSimulatedDayMovesEveryPriceButKeepsItPlausible() {
        MarketSimulator simulator = new MarketSimulator(SYMBOLS, "1d", 42L);
        List<MarketSimulator.Tick> first = simulator.step(Duration.ofSeconds(1));
        List<MarketSimulator.Tick> last = first;
        int btcMoves = 0;
        double previousBtc = first.get(0).price();
        for (int second = 0; second < 24 * 3600; second++) {
            last = simulator.step(Duration.ofSeconds(1));
            if (last.get(0).price() != previousBtc) {
                btcMoves++;
            }
            previousBtc = last.get(0).price();
            for (int i = 0; i < SYMBOLS.size(); i++) {
                double ratio = last.get(i).price() / first.get(i).price();
                assertThat(ratio).as("%s after %d s", SYMBOLS.get(i), second).isBetween(0.8, 1.25);
            }
        }
        assertThat(last).extracting(MarketSimulator.Tick::symbol).containsExactlyElementsOf(SYMBOLS);
        // Visibly alive: BTC changes nearly every second.
        assertThat(btcMoves).isGreaterThan(24 * 3600 * 9 / 10);
        // FX moves far less than crypto.
        assertThat(Math.abs(last.get(4).price() / last.get(4).open() - 1))
                .isLessThan(0.05);
    }

    @Test
    void theSummaryFollowsTheBitcoinWalkAndStaysInRange() {
        MarketSimulator simulator = new MarketSimulator(List.of("AAPL"), "4h", 7L);
        for (int i = 0; i < 2000; i++) {
            simulator.step(Duration.ofSeconds(5));
            DashboardSummary s = simulator.summary();
            assertThat(s.btcDominancePct()).isBetween(40.0, 70.0);
            assertThat(s.fearGreed().value()).isBetween(0, 100);
            assertThat(s.fearGreed().classification()).isEqualTo(MarketSimulator.classify(s.fearGreed().value()));
            assertThat(s.rsi().value()).isBetween(5.0, 95.0);
            assertThat(s.rsi().interval()).isEqualTo("4h");
            // The market cap is bitcoin's cap over its dominance.
            assertThat(s.totalMarketCapUsd() * s.btcDominancePct() / 100 / s.btcPriceUsd())
                    .isBetween(19_700_000.0, 19_900_000.0);
            assertThat(s.simulated()).isTrue();
        }
    }

    @Test
    void fearAndGreedBandsAreAlternativeMes() {
        assertThat(MarketSimulator.classify(0)).isEqualTo("Extreme Fear");
        assertThat(MarketSimulator.classify(24)).isEqualTo("Extreme Fear");
        assertThat(MarketSimulator.classify(25)).isEqualTo("Fear");
        assertThat(MarketSimulator.classify(50)).isEqualTo("Neutral");
        assertThat(MarketSimulator.classify(60)).isEqualTo("Greed");
        assertThat(MarketSimulator.classify(90)).isEqualTo("Extreme Greed");
    }
}

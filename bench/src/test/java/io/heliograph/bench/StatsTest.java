package io.heliograph.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfAnOddNumberOfRoundsIsTheMiddleOne() {
        assertThat(Stats.median(9, 1, 5)).isEqualTo(5);
    }

    @Test
    void medianOfAnEvenNumberOfRoundsIsTheMeanOfTheMiddleTwo() {
        assertThat(Stats.median(4, 1, 3, 10)).isEqualTo(3.5);
    }

    @Test
    void roundsThatMeasuredNothingAreLeftOut() {
        assertThat(Stats.median(Double.NaN, 7, 2)).isEqualTo(4.5);
        assertThat(Stats.median(Double.NaN, Double.NaN)).isNaN();
        assertThat(Stats.median()).isNaN();
    }

    @Test
    void ratioIsGatewayOverFloor() {
        assertThat(Stats.ratio(30, 20)).isEqualTo(1.5);
        assertThat(Stats.ratioText(Stats.ratio(30, 20))).isEqualTo("1.50x");
    }

    @Test
    void zeroOnBothSidesIsATieAndZeroOnlyOnTheFloorIsInfinite() {
        assertThat(Stats.ratio(0, 0)).isEqualTo(1);
        assertThat(Stats.ratioText(Stats.ratio(3, 0))).isEqualTo("inf");
        assertThat(Stats.ratioText(Stats.ratio(Double.NaN, 2))).isEqualTo("n/a");
    }

    @Test
    void numbersKeepAPrecisionThatSuitsTheirSize() {
        assertThat(Stats.number(398_765.4)).isEqualTo("398,765");
        assertThat(Stats.number(123.45)).isEqualTo("123.5");
        assertThat(Stats.number(12.345)).isEqualTo("12.35");
        assertThat(Stats.number(1.2344)).isEqualTo("1.234");
        assertThat(Stats.number(Double.NaN)).isEqualTo("n/a");
    }
}

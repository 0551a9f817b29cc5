package org.example.echo.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

  @ParameterizedTest
  @CsvSource({"250ms,250", "30s,30000", "30,30000", "1.5s,1500", "2m,120000", "1h,3600000", " 10 S ,10000", "0,0"})
  void parsesWhatPeopleType(String text, long millis) {
    assertThat(DurationConverter.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "-1s", "5 days", "1e3", "s"})
  void rejectsAnythingElseWithAHint(String text) {
    assertThatThrownBy(() -> DurationConverter.parse(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("not a duration")
        .hasMessageContaining("30s");
  }

  @ParameterizedTest
  @CsvSource({"250,250ms", "30000,30s", "120000,2m", "7200000,2h", "1500,1500ms", "0,0s"})
  void formatsBackToTheShortestForm(long millis, String text) {
    assertThat(DurationConverter.format(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(DurationConverter.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void formatsMeasuredDurationsInWholeMilliseconds() {
    // The probe prints measured outages with it; what is below a millisecond is cut off.
    assertThat(DurationConverter.format(Duration.ofNanos(2_333_999_999L))).isEqualTo("2333ms");
    assertThat(DurationConverter.format(Duration.ofNanos(999_999))).isEqualTo("0s");
  }
}

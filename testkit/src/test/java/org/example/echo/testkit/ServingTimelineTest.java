package org.example.echo.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Only stretches that intersect are two serving at once; an answer alone, or stretches in turn, are not. */
class ServingTimelineTest {

  private final ServingTimeline timeline = new ServingTimeline();

  /** A connection to {@code replica} upgraded at {@code from} that answered an echo sent at {@code to}. */
  private ServingTimeline.Stretch served(String replica, long from, long to) {
    ServingTimeline.Stretch stretch = timeline.upgraded(replica, from);
    timeline.answered(stretch, to);
    return stretch;
  }

  @Test
  void stretchesThatIntersectAreAnOverlap() {
    served("a", 0, 10);
    served("b", 5, 7);
    assertThat(timeline.overlaps()).hasSize(1);
    assertThat(timeline.overlaps().get(0)).startsWith("b served").contains(" and a served");
    assertThat(timeline.overlapTimes()).hasSize(1);
  }

  @Test
  void stretchesInTurnAreNot() {
    served("a", 0, 10);
    timeline.answered(served("b", 11, 20), 30);
    assertThat(timeline.overlaps()).isEmpty();
    assertThat(timeline.answers()).isEqualTo(3);
  }

  @Test
  void anUpgradeWithoutAnAnsweredEchoProvesNothing() {
    served("a", 0, 10);
    timeline.upgraded("b", 5); // its connection never answered an echo
    served("c", 12, 20);
    assertThat(timeline.overlaps()).isEmpty();
  }

  @Test
  void aStretchEndingWhereAnotherBeginsIsAnOverlap() {
    // Each stretch lies strictly inside the replica's real serving time, so sharing one instant is sharing more.
    served("a", 0, 10);
    served("b", 10, 12);
    assertThat(timeline.overlaps()).hasSize(1);
  }

  @Test
  void aPairIsReportedOnceWhileItsStretchesGrow() {
    ServingTimeline.Stretch a = served("a", 0, 10);
    timeline.answered(served("b", 2, 4), 20);
    timeline.answered(a, 30);
    served("a", 40, 45);
    assertThat(timeline.overlaps()).hasSize(1);
  }

  @Test
  void aStretchThatGrowsIntoAnotherIsAnOverlap() {
    served("b", 20, 25);
    ServingTimeline.Stretch a = served("a", 0, 10);
    assertThat(timeline.overlaps()).isEmpty();
    timeline.answered(a, 21);
    assertThat(timeline.overlaps()).hasSize(1);
  }
}

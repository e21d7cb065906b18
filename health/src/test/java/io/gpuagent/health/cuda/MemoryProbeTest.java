package io.gpuagent.health.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryProbeTest {

  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  @Test
  void byDefaultTests256MibOrFivePercentOfFreeWhicheverIsLess() {
    assertThat(MemoryProbe.bytesToTest(0, 80 * GIB)).isEqualTo(256 * MIB);
    assertThat(MemoryProbe.bytesToTest(0, 2 * GIB)).isEqualTo(102 * MIB);
  }

  @Test
  void testsTheSizeAskedForUpToNinetyPercentOfFree() {
    assertThat(MemoryProbe.bytesToTest(1024, 80 * GIB)).isEqualTo(1024 * MIB);
    assertThat(MemoryProbe.bytesToTest(4096, 1000 * MIB)).isEqualTo(900 * MIB);
    assertThat(MemoryProbe.bytesToTest(Long.MAX_VALUE, 10 * GIB)).isEqualTo(9216 * MIB);
  }

  @Test
  void testsNothingWhenLessThanAMibWouldBeLeft() {
    assertThat(MemoryProbe.bytesToTest(0, 10 * MIB)).isZero();
    assertThat(MemoryProbe.bytesToTest(64, MIB)).isZero();
  }

  @Test
  void mismatchDetailSaysPassCountOffsetAndBothWords() {
    MemoryPass pass = new MemoryPass(MemoryPattern.WALKING_ONES, 5);
    PassTally tally = new PassTally(3, 1 << 20, 1024);
    assertThat(MemoryProbe.mismatchDetail(pass, 1 << 20, tally, 0))
        .isEqualTo(
            "3 of 1048576 words differ after walking ones (shift 5), the first at byte offset"
                + " 0x1000: wrote 0x00000020, read 0x00000000");
  }

  @Test
  void gridHasEightBlocksPerMultiprocessorButNoMoreThanTheWordsNeed() {
    assertThat(PatternBuffer.blocks(64 * MIB, 132)).isEqualTo(1056);
    assertThat(PatternBuffer.blocks(1000, 132)).isEqualTo(4);
    assertThat(PatternBuffer.blocks(1, 0)).isEqualTo(1);
  }

  @Test
  void verifyCountersStartAtZeroWithNoFirstIndex() {
    assertThat(PassTally.of(PassTally.initialCounters())).isEqualTo(new PassTally(0, 0, -1));
  }
}

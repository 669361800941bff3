package dev.qcat.inference.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.inference.io.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Q8_0 and Q4_0 against hand-derived blocks (llama.cpp's formulas) and their error bounds. */
class BlockCodecTest {

  /** amax = 127 gives d = 1 exactly, so codes are roundf(x): halves go away from zero. */
  @Test
  void q8_0RoundsHalfAwayFromZeroLikeCRoundf() {
    float[] x = new float[32];
    x[0] = 127f;
    x[1] = 2.5f;
    x[2] = -2.5f;
    x[3] = 0.49999997f;
    x[4] = -126.5f;
    byte[] qs = new byte[32];
    short d = Q8_0.quantizeBlock(x, 0, qs, 0);
    assertEquals(1f, HalfFloats.f16ToFloat(d));
    assertEquals(127, qs[0]);
    assertEquals(3, qs[1]);
    assertEquals(-3, qs[2]); // Math.round would give -2
    assertEquals(0, qs[3]);
    assertEquals(-127, qs[4]);
  }

  /**
   * max = -8 (largest magnitude, negative) gives d = max / -8 = 1; code = min(15, trunc(x + 8.5)),
   * element j in the low nibble of byte j, element j + 16 in the high nibble.
   */
  @Test
  void q4_0UsesTheSignedMaxAndPacksLowHalfInLowNibbles() {
    float[] x = new float[32];
    x[0] = -8f; // code 0
    x[1] = 3f; // 11
    x[2] = 2.5f; // 11 (half rounds up)
    x[3] = -2.5f; // 6
    x[16] = 7.9f; // 16.4 -> 16 -> clamped 15
    x[17] = 1f; // 9
    byte[] qs = new byte[16];
    short d = Q4_0.quantizeBlock(x, 0, qs, 0);
    assertEquals(1f, HalfFloats.f16ToFloat(d));
    assertEquals(0 | (15 << 4), qs[0] & 0xff);
    assertEquals(11 | (9 << 4), qs[1] & 0xff);
    assertEquals(11 | (8 << 4), qs[2] & 0xff);
    assertEquals(6 | (8 << 4), qs[3] & 0xff);
    float[] back = roundTrip(x, false);
    assertEquals(-8f, back[0]);
    assertEquals(3f, back[1]);
    assertEquals(3f, back[2]);
    assertEquals(-2f, back[3]);
    assertEquals(7f, back[16]); // the clamped value errs by |d|
    assertEquals(0f, back[4]);
  }

  @Test
  void q8_0RoundTripStaysWithinHalfAStep() {
    float[] x = random(32 * 64, 1);
    float[] back = roundTrip(x, true);
    double worst = 0;
    for (int b = 0; b < x.length; b += 32) {
      float amax = 0;
      for (int j = 0; j < 32; j++) {
        amax = Math.max(amax, Math.abs(x[b + j]));
      }
      double d = amax / 127.0;
      for (int j = 0; j < 32; j++) {
        double err = Math.abs(x[b + j] - back[b + j]) / d;
        worst = Math.max(worst, err);
      }
    }
    System.out.printf("Q8_0 worst error %.4f steps (bound %.4f)%n", worst, 0.5 + 127 * 0x1p-11);
    assertTrue(worst <= 0.5 + 127 * 0x1p-11, "worst " + worst);
  }

  @Test
  void q4_0RoundTripStaysWithinOneStepAndMostlyHalf() {
    float[] x = random(32 * 64, 2);
    float[] back = roundTrip(x, false);
    double worst = 0;
    double sq = 0;
    double sqX = 0;
    for (int b = 0; b < x.length; b += 32) {
      float amax = 0;
      for (int j = 0; j < 32; j++) {
        amax = Math.max(amax, Math.abs(x[b + j]));
      }
      double d = amax / 8.0;
      for (int j = 0; j < 32; j++) {
        double e = Math.abs(x[b + j] - back[b + j]);
        worst = Math.max(worst, e / d);
        sq += e * e;
        sqX += x[b + j] * (double) x[b + j];
      }
    }
    double relRms = Math.sqrt(sq / sqX);
    System.out.printf("Q4_0 worst error %.4f steps, relative RMS error %.4f%n", worst, relRms);
    assertTrue(worst <= 1 + 8 * 0x1p-11, "worst " + worst);
    assertTrue(relRms < 0.12, "relative RMS " + relRms);
  }

  @Test
  void zeroBlockEncodesToZero() {
    float[] x = new float[32];
    assertArrayEquals(x, roundTrip(x, true), 0f);
    assertArrayEquals(x, roundTrip(x, false), 0f); // -0.0 from d = 0 / -8, as in ggml
  }

  @Test
  void refusesRowsNotDivisibleByTheBlock() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Q8_0.checkRowLength(
                    "model.layers.0.mlp.down_proj.weight", new long[] {64, 100}, "Q8_0"));
    assertTrue(e.getMessage().contains("model.layers.0.mlp.down_proj.weight"), e.getMessage());
    assertTrue(e.getMessage().contains("[64, 100]"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Q4_0.quantize(new float[40], 0, 40, ByteBuffer.allocate(64)));
  }

  static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextGaussian() * 0.02 * (1 + (i / 32) % 5));
    }
    return x;
  }

  static float[] roundTrip(float[] x, boolean q8) {
    int bytes = x.length / 32 * (q8 ? Q8_0.BLOCK_BYTES : Q4_0.BLOCK_BYTES);
    ByteBuffer buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (q8) {
      Q8_0.quantize(x, 0, x.length, buf);
    } else {
      Q4_0.quantize(x, 0, x.length, buf);
    }
    assertEquals(bytes, buf.position());
    buf.flip();
    float[] back = new float[x.length];
    if (q8) {
      Q8_0.dequantize(buf, back, 0, x.length);
    } else {
      Q4_0.dequantize(buf, back, 0, x.length);
    }
    return back;
  }
}

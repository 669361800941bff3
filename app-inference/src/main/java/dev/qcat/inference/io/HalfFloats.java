package dev.qcat.inference.io;

/**
 * Bit-exact conversions between float32 and the two 16-bit float formats, done in Java because
 * bfloat16 NDArrays abort the JVM in DJL 0.36 / libtorch 2.7.1 (../shared/REFERENCE.md) and Java 17
 * has no {@code Float.float16ToFloat}.
 *
 * <p>Narrowing rounds to nearest, ties to even, as PyTorch's {@code .to(torch.float16)} and {@code
 * .to(torch.bfloat16)} do.
 */
public final class HalfFloats {

  private HalfFloats() {}

  /**
   * @param bits a bfloat16 value in the low 16 bits
   * @return the exactly equal float32 (the bits shifted left by 16)
   */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /**
   * @param f a float32 value
   * @return the nearest bfloat16 (ties to even; NaN stays NaN), as raw bits
   */
  public static short floatToBf16(float f) {
    int x = Float.floatToRawIntBits(f);
    if ((x & 0x7fffffff) > 0x7f800000) {
      return (short) ((x >>> 16) | 0x0040); // quiet NaN
    }
    int rounding = 0x7fff + ((x >>> 16) & 1);
    return (short) ((x + rounding) >>> 16);
  }

  /**
   * @param bits an IEEE binary16 value in the low 16 bits
   * @return the exactly equal float32 (subnormals, infinities and NaN included)
   */
  public static float f16ToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal: mant * 2^-24, exact in float32
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /**
   * @param f a float32 value
   * @return the nearest binary16 (ties to even; overflow to infinity; NaN stays NaN), as raw bits
   */
  public static short floatToF16(float f) {
    int x = Float.floatToRawIntBits(f);
    int sign = (x >>> 16) & 0x8000;
    int abs = x & 0x7fffffff;
    if (abs > 0x7f800000) {
      return (short) (sign | 0x7e00);
    }
    if (abs >= 0x477ff000) { // >= 65520 rounds to infinity
      return (short) (sign | 0x7c00);
    }
    if (abs < 0x38800000) { // below the smallest normal 2^-14: subnormal or zero
      // value / 2^-24, rounded to nearest even
      float scaled = Float.intBitsToFloat(abs) * 0x1p24f;
      int m = (int) Math.rint(scaled);
      return (short) (sign | m);
    }
    int exp = (abs >>> 23) - 112;
    int mant = abs & 0x7fffff;
    int h = (exp << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1)) {
      h++;
    }
    return (short) (sign | h);
  }
}

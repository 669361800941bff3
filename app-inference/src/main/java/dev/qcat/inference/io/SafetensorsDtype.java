package dev.qcat.inference.io;

import java.util.Locale;

/**
 * The safetensors dtypes qcat reads and writes, with their on-disk names and sizes.
 *
 * <p>Reference: huggingface/safetensors, {@code Dtype} in {@code safetensors/src/tensor.rs}.
 */
public enum SafetensorsDtype {
  /** IEEE 754 binary32, 4 bytes, little-endian. */
  F32(4, "float32"),
  /** IEEE 754 binary16, 2 bytes, little-endian. */
  F16(2, "float16"),
  /** bfloat16 (the top 16 bits of a binary32), 2 bytes, little-endian. */
  BF16(2, "bfloat16");

  private final int bytes;
  private final String torchName;

  SafetensorsDtype(int bytes, String torchName) {
    this.bytes = bytes;
    this.torchName = torchName;
  }

  /**
   * @return the size of one value, in bytes
   */
  public int bytes() {
    return bytes;
  }

  /**
   * @return the name HF {@code config.json} uses in {@code torch_dtype}
   */
  public String torchName() {
    return torchName;
  }

  /**
   * Parses a header's {@code dtype} field.
   *
   * @param name on-disk name such as {@code "BF16"}
   * @return the dtype. Never null.
   * @throws IllegalArgumentException if the dtype is not one of F32, F16, BF16
   */
  public static SafetensorsDtype fromHeader(String name) {
    for (SafetensorsDtype d : values()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unsupported dtype " + name + " (supported: F32, F16, BF16)");
  }

  /**
   * Parses a {@code torch_dtype} or a user-given name ({@code f32}, {@code float16}, {@code bf16},
   * …).
   *
   * @param name the name, case-insensitive
   * @return the dtype. Never null.
   * @throws IllegalArgumentException if the name is unknown
   */
  public static SafetensorsDtype parse(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "f32", "fp32", "float32", "float":
        return F32;
      case "f16", "fp16", "float16", "half":
        return F16;
      case "bf16", "bfloat16":
        return BF16;
      default:
        throw new IllegalArgumentException(
            "unknown dtype \"" + name + "\" (expected F32, F16 or BF16)");
    }
  }
}

package dev.qcat.inference.io;

/**
 * Types of GGUF metadata values ({@code enum gguf_type}), with the id stored before each value.
 * Scalars are little-endian; a bool is one byte; a string is a uint64 byte length followed by UTF-8
 * bytes without a terminator; an array is an element type, a uint64 count, then the elements.
 *
 * <p>Reference: ggml {@code docs/gguf.md} and {@code gguf.h}.
 */
public enum GgufValueType {
  UINT8(0, 1),
  INT8(1, 1),
  UINT16(2, 2),
  INT16(3, 2),
  UINT32(4, 4),
  INT32(5, 4),
  FLOAT32(6, 4),
  BOOL(7, 1),
  STRING(8, -1),
  ARRAY(9, -1),
  UINT64(10, 8),
  INT64(11, 8),
  FLOAT64(12, 8);

  private final int id;
  private final int fixedBytes;

  GgufValueType(int id, int fixedBytes) {
    this.id = id;
    this.fixedBytes = fixedBytes;
  }

  /**
   * @return the id written in the file
   */
  public int id() {
    return id;
  }

  /**
   * @return the size of one value, in bytes, or -1 for STRING and ARRAY (variable size)
   */
  public int fixedBytes() {
    return fixedBytes;
  }

  /**
   * @param id a value type id read from a file
   * @return the value type
   * @throws IllegalArgumentException if the id is not a GGUF value type
   */
  public static GgufValueType fromId(int id) {
    for (GgufValueType type : values()) {
      if (type.id == id) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown GGUF value type " + id + " (expected 0..12)");
  }
}

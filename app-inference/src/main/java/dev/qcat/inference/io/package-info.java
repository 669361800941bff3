/**
 * Checkpoint file formats: safetensors read and write (F32, F16, BF16, widened to float32 in Java),
 * the HF checkpoint directory with its tensor names ({@link dev.qcat.inference.io.CheckpointKeys})
 * and shape checks, and GGUF export. Tensors cross this package as {@link
 * dev.qcat.inference.io.FloatTensor} on the heap, never as NDArrays; tokenizer and prompt code does
 * not belong here.
 */
package dev.qcat.inference.io;

/**
 * Text to token ids and back ({@link dev.qcat.inference.tokenizer.Qwen2Tokenizer}, DJL's
 * HuggingFaceTokenizer on {@code tokenizer.json}) and the ChatML prompt of a classification example
 * ({@link dev.qcat.inference.tokenizer.ChatMlFormat}). No tensors and no file formats other than
 * {@code tokenizer.json} live here.
 */
package dev.qcat.inference.tokenizer;

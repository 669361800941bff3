/**
 * Supervised LoRA fine-tuning: {@link dev.qcat.inference.training.LoraTrainer} (answer-only loss,
 * AdamW, warm-up then cosine or linear decay, accumulation, clipping, length buckets, evaluation
 * each epoch, early stopping, exact checkpoints, progress events, cancellation) and {@link
 * dev.qcat.inference.training.FineTuning} (one {@code qcat train} run from files). Command-line
 * parsing and printing live in {@code cli}; the model and LoRA layers in {@code model} and {@code
 * lora}.
 */
package dev.qcat.inference.training;

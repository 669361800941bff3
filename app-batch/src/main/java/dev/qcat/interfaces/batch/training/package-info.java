/**
 * The {@code lora-training} and {@code retrain} jobs: {@link
 * dev.qcat.interfaces.batch.training.LoraTrainingBatchlet} trains a LoRA adapter with
 * app-inference's {@code FineTuning} on a frozen snapshot of the taxonomy's data and registers it
 * as a CANDIDATE; its checkpoints are the trainer's, kept in the job's work directory, so a
 * restarted job resumes from the last one. {@link
 * dev.qcat.interfaces.batch.training.PromotionGateBatchlet} is {@code retrain}'s second step: the
 * promotion gate.
 */
package dev.qcat.interfaces.batch.training;

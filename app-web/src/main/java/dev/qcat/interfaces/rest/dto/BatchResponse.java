package dev.qcat.interfaces.rest.dto;

import dev.qcat.application.Views.PredictionView;
import java.util.List;

/** Answer of {@code POST /classify/batch}: one prediction per text, in order. */
public record BatchResponse(List<PredictionView> predictions) {}

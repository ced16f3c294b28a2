package dev.llmcanary.evidence;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Reads one endpoint's figures once; the stage always completes normally, failures are errors in the scrape. */
public interface FigureSource {
    CompletionStage<Scrape> scrape(EvidenceSettings settings, ScrapeTarget target, Map<Figure, double[]> previous);
}

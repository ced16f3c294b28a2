package dev.llmcanary.canary.run;

/**
 * The moments of one stream in milliseconds after the request was written ({@code null}: never reached), for the
 * run detail's token timeline. {@code tokenChunks} is bounded by configuration.
 */
public record Timeline(Double headers, Double firstByte, Double firstChunk, Double firstToken, Double lastToken,
                       Double finish, Double usage, Double done, Double closed, double[] tokenChunks) {
}

package dev.llmcanary.canary;

/** One chat message of a canary prompt ({@code role} is {@code system}, {@code user} or {@code assistant}). */
public record Message(String role, String content) {
}

package dev.llmcanary.boot;

import jakarta.inject.Singleton;

import java.util.function.Function;

/**
 * Reads a secret by the environment variable name configuration gives for it (a pool's {@code api_key_env}). A bean
 * of its own so a test can stand in for the environment, which a running JVM cannot change.
 */
@Singleton
public class Secrets implements Function<String, String> {

    @Override
    public String apply(String name) {
        return System.getenv(name);
    }
}

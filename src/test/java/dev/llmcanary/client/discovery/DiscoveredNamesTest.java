package dev.llmcanary.client.discovery;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Discovered endpoint names are readable, valid configuration names and never longer than 63 characters. */
class DiscoveredNamesTest {

    static Stream<Arguments> addresses() {
        return Stream.of(
                arguments("IPv4 as it is", "10.1.2.3", "10.1.2.3"),
                arguments("IPv6 short form with dashes", "fd00:0:0:0:0:0:0:1", "fd00--1"),
                arguments("IPv6 without zero run", "2001:db8:1:2:3:4:5:6", "2001-db8-1-2-3-4-5-6"),
                arguments("IPv6 loopback", "::1", "0--1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("addresses")
    void namesAddresses(String name, String address, String expected) throws UnknownHostException {
        String result = DiscoveredNames.of(InetAddress.getByName(address));
        assertThat(result).isEqualTo(expected);
    }

    static Stream<Arguments> texts() {
        return Stream.of(
                arguments("pod name kept", "vllm-h100-7d9f8-abcde", "vllm-h100-7d9f8-abcde"),
                arguments("upper case lowered", "VLLM-0", "vllm-0"),
                arguments("odd characters replaced", "pod/x y", "pod-x-y"),
                arguments("long names bounded", "p".repeat(200), "p".repeat(63)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void namesTexts(String name, String text, String expected) {
        assertThat(DiscoveredNames.of(text)).isEqualTo(expected).hasSizeLessThanOrEqualTo(63)
                .matches("[a-z0-9][a-z0-9._-]*");
    }
}

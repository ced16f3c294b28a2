package dev.llmcanary.schedule;

import dev.llmcanary.client.discovery.AddressResolver;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A resolver tests can set answers on; names without an answer go to the system resolver. */
@Alternative
@Priority(1)
@ApplicationScoped
public class FakeAddressResolver implements AddressResolver {

    private final Map<String, List<String>> answers = new ConcurrentHashMap<>();

    public void answer(String name, List<String> addresses) {
        answers.put(name, List.copyOf(addresses));
    }

    @Override
    public List<InetAddress> resolve(String name) throws UnknownHostException {
        List<String> a = answers.get(name);
        if (a == null) {
            return AddressResolver.system().resolve(name);
        }
        List<InetAddress> out = new ArrayList<>();
        for (String s : a) {
            out.add(InetAddress.getByName(s));
        }
        return out;
    }
}

package dev.llmcanary.client.discovery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Looks up the addresses of a DNS name; an interface so tests can answer without a DNS server. Blocking. */
public interface AddressResolver {

    List<InetAddress> resolve(String name) throws UnknownHostException;

    /** The JVM's resolver (A and AAAA records). */
    static AddressResolver system() {
        return name -> List.of(InetAddress.getAllByName(name));
    }
}
